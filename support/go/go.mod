module profiling-agent/support/go

go 1.19
