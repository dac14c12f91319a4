#!/bin/bash
# --otlp-endpoint: each window is posted to a loopback receiver
# (tests/tools/otlp-receiver.py) as a gzipped ExportProfilesServiceRequest
# that protoc decodes against agent/export/otlp-profiles.proto, with the
# same samples as the folded files of the same run; 503 twice then 200
# delivers the data once; a receiver that never answers does not stop
# sampling, the full queue drops the oldest, and the end says so.
. "$(dirname "$0")/../lib.sh"

AGENT=$BUILD/bin/profiling-agent
BURNER=$BUILD/tests/burner
RECEIVER=$ROOT/tests/tools/otlp-receiver.py

CASES=('each window is posted once, decodes with protoc, and holds the folded samples'
       '503 twice then 200: the data arrives once, after backoff'
       'a receiver that never answers: sampling goes on, drops are counted, exit 1')

skip_unless_bpf "$AGENT" "${CASES[@]}"

# start_receiver ARGS...: the receiver in the background, saving to rx/; $rx its pid, $url its
# endpoint; it is stopped when the case ends, passed or failed
start_receiver() {
	mkdir rx
	python3 "$RECEIVER" rx "$@" >rx.out &
	rx=$!
	# shellcheck disable=SC2064 # the pid of this receiver, now
	trap "kill $rx 2>/dev/null || true" EXIT
	while ! grep -q ready rx.out; do
		kill -0 $rx
		sleep 0.05
	done
	url=http://127.0.0.1:$(cat rx/port)
}

stop_receiver() {
	kill $rx 2>/dev/null || true
	wait $rx 2>/dev/null || true
}

# decode PB: the request as protoc prints it
decode() {
	protoc --decode=otlp.ExportProfilesServiceRequest -I "$ROOT/agent/export" otlp-profiles.proto <"$1"
}

# samples TEXT: the sum of the decoded samples' values
samples() {
	awk '$1 == "values:" { n += $2 } END { print n + 0 }' "$1"
}

# attribute TEXT KEY: the value of resource attribute KEY ("string" or int)
attribute() {
	awk -v key="\"$2\"" '$1 == "key:" { k = $2 } k == key && /_value:/ { print $2; exit }' "$1"
}

test_expect_success "${CASES[0]}" '
	start_receiver
	start_ready "$BURNER" cpu 120
	mkdir out
	"$AGENT" --pid $ready_pid --frequency 99 --interval 1 --duration 3.5 --output-dir out \
		--otlp-endpoint "$url" --otlp-header "Authorization=Bearer s3cr3t" --verbose 2>err
	stop_ready
	stop_receiver
	test_grep -v s3cr3t err
	ls out >files
	ls rx/*.pb >requests
	test "$(wc -l <requests)" = "$(wc -l <files)"
	test "$(wc -l <files)" -ge 3
	test -z "$(ls rx | grep -v "^port$" | grep -v "^req-[0-9]*-200\.")"
	paste files requests >pairs
	while read -r folded pb; do
		decode "$pb" >"$pb.txt" || return 1
		test "$(samples "$pb.txt")" = "$(sum "out/$folded")" || return 1
	done <pairs
	txt=$(sed -n 1p requests).txt
	head=$(sed -n 1p requests | sed "s/\.pb$/.headers/")
	test "$(sed -n 1p "$head")" = /v1development/profiles
	test_grep "^Content-Type: application/x-protobuf$" "$head"
	test_grep "^Content-Encoding: gzip$" "$head"
	# the development version the Collector OTLP receiver checks (absent means 1)
	test_grep "^OTLP-Profiles-Development-Version: 1$" "$head"
	test_grep "^Authorization: Bearer s3cr3t$" "$head"
	test "$(attribute "$txt" host.name)" = "\"$(hostname)\""
	test "$(attribute "$txt" service.name)" = "\"burner\""
	test "$(attribute "$txt" process.pid)" = "$ready_pid"
	test "$(attribute "$txt" process.executable.path)" = "\"$BURNER\""
	test_grep "string_table: \"\"" "$txt"
	test_grep "string_table: \"hot_function\"" "$txt"
	test_grep "string_table: \"process.executable.build_id.gnu\"" "$txt"
	test_grep "string_table: \"$(readelf -n "$BURNER" | sed -n "s/.*Build ID: //p")\"" "$txt"
	test_grep "string_table: \"thread.id\"" "$txt"
	sed -n "/^dictionary {/,\$p" "$txt" | sed -n 2,3p >first
	printf "  mapping_table {\n  }\n" >expect
	test_cmp expect first
'

test_expect_success "${CASES[1]}" '
	start_receiver --answers 503,503,200
	start_ready "$BURNER" cpu 120
	mkdir out
	"$AGENT" --pid $ready_pid --frequency 99 --duration 2 --output-dir out --otlp-endpoint "$url" \
		--service-name web --verbose 2>err
	stop_ready
	stop_receiver
	ls rx | grep "\.pb$" >requests
	printf "req-0001-503.pb\nreq-0002-503.pb\nreq-0003-200.pb\n" >expect
	test_cmp expect requests
	cmp rx/req-0001-503.body rx/req-0003-200.body
	test "$(grep -c "otlp: HTTP 503: trying again" err)" = 2
	decode rx/req-0003-200.pb >req.txt
	test "$(samples req.txt)" = "$(sum out/profile-*.folded)"
	test "$(attribute req.txt service.name)" = "\"web\""
	test_grep "otlp: 1 requests sent" err
'

test_expect_success "${CASES[2]}" '
	start_receiver --hang
	start_ready "$BURNER" cpu 120
	mkdir out
	set +e
	"$AGENT" --pid $ready_pid --frequency 99 --interval 1 --duration 14 --output-dir out \
		--otlp-endpoint "$url" --otlp-timeout 1 --verbose 2>err
	rc=$?
	set -e
	stop_ready
	stop_receiver
	test "$rc" = 1
	ls out >files
	test "$(wc -l <files)" -ge 10
	dropped=$(grep -c "otlp: the queue is full (8 requests): dropped the oldest" err)
	test "$dropped" -ge 1
	last=$(tail -n 1 err)
	echo "$last" | grep -q "^profiling-agent: otlp: \([0-9]*\) of \1 requests not delivered ([0-9]* samples): $dropped dropped from the full queue, [0-9]* refused or out of tries$"
'
test_done
