module github.com/profiling-agent/profiling-agent/support/go

go 1.19
