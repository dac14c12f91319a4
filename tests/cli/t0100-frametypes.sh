#!/bin/bash
# support/frametypes.json -> frametypes.h and frametypes.go (gen-frametypes).
# run: alone
. "$(dirname "$0")/../lib.sh"

GEN=$BUILD/bin/gen-frametypes

# the upstream OpenTelemetry profiler's frame types and markers, "name value"
upstream_values() {
	printf '%s\n' "unknown 0" "python 1" "php 2" "native 3" "kernel 4" "hotspot 5" \
		"ruby 6" "perl 7" "v8 8" "php_jit 9" "dotnet 10" "go 11" "beam 12" "luajit 13" \
		"error_bit 128" "abort 255"
}
GOOD=$ROOT/support/frametypes.json
export GOCACHE="$BUILD/gocache" GOFLAGS=-mod=mod GOPROXY=off GOTOOLCHAIN=local

test_expect_success 'the committed generated files are up to date' '
	cd "$ROOT"
	build_make -s check-generated
'

test_expect_success 'check-generated names a stale file and what to do' '
	sed "s/0x3$/0x9/" "$ROOT/support/ebpf/frametypes.h" >stale.h
	cd "$ROOT"
	expect_exit 2 build_make -s FRAMETYPES_H="$TRASH/stale.h" check-generated 2>"$TRASH/err"
	test_grep "stale.h. is stale: run .make generate. and commit it" "$TRASH/err"
'

test_expect_success 'the header carries every type with its upstream value' '
	cat >values.c <<-\EOC
	#include <stdio.h>
	#include "frametypes.h"
	int main(void)
	{
		unsigned t;
		for (t = 0; t < FRAME_MARKER_TYPE_LIMIT; t++)
			if (frame_type_name(t))
				printf("%s %u\n", frame_type_name(t), t);
		printf("error_bit %u\nabort %u\n", FRAME_MARKER_ERROR_BIT, FRAME_MARKER_ABORT);
		printf("%s\n", frame_type_name(FRAME_MARKER_NATIVE | FRAME_MARKER_ERROR_BIT));
		return 0;
	}
	EOC
	cc -Wall -Wextra -Werror -I"$ROOT/support/ebpf" values.c -o values
	./values >actual
	{ upstream_values; echo native; } >expect
	test_cmp expect actual
'

# the module path README.md documents: the repository's own, so go get finds it
GO_MODULE=github.com/profiling-agent/profiling-agent/support/go

test_expect_success 'the Go module path has a host, is the documented one, and ends in its directory' '
	export GOCACHE=$TRASH/gocache GOPATH=$TRASH/gopath
	test "$(cd "$ROOT/support/go" && go list -m)" = $GO_MODULE
	case "${GO_MODULE%%/*}" in *.*) ;; *) echo "no host in $GO_MODULE"; false ;; esac
	case $GO_MODULE in */support/go) ;; *) echo "$GO_MODULE does not end in support/go"; false ;; esac
	test_grep "\`$GO_MODULE\`" "$ROOT/README.md"
'

test_expect_success 'a consumer of the Go module builds and vets without cgo, through a replace of the checkout' '
	export GOCACHE=$TRASH/gocache GOPATH=$TRASH/gopath CGO_ENABLED=0
	(cd "$ROOT/support/go" && go vet ./... && go build ./...)
	mkdir consumer
	cat >consumer/go.mod <<-EOM
	module example.com/consumer

	go 1.19

	require $GO_MODULE v0.0.0

	replace $GO_MODULE => $ROOT/support/go
	EOM
	cat >consumer/main.go <<-\EOG
	package main

	import (
		"fmt"

		ft "github.com/profiling-agent/profiling-agent/support/go/frametypes"
	)

	func main() {
		for t := ft.FrameType(0); t < ft.TypeLimit; t++ {
			if s := t.String(); s[0] != 70 {
				fmt.Println(s, uint8(t))
			}
		}
		fmt.Println("error_bit", uint8(ft.ErrorBit))
		fmt.Println("abort", uint8(ft.Abort))
		fmt.Println((ft.Native | ft.ErrorBit).String(), ft.Abort.String(), ft.FrameType(14).String())
	}
	EOG
	(cd consumer && go vet ./... && go build -o ../consumer-bin . )
	./consumer-bin >actual
	{ upstream_values; echo "native+error abort FrameType(14)"; } >expect
	test_cmp expect actual
'

# bad_input NAME SED-EXPR PATTERN: the edited JSON is refused with exit 1, one
# line matching PATTERN, and no output written
bad_input() {
	test_expect_success "refuses $1" "
		sed '$2' '$GOOD' >bad.json
		not cmp -s bad.json '$GOOD'
		echo keep >out.h
		expect_exit 1 '$GEN' --c out.h --go out.go bad.json 2>err
		one_line err
		test_grep '$3' err
		test \"\$(cat out.h)\" = keep
		test ! -e out.go
		test -z \"\$(ls | grep tmp)\"
	"
}

bad_input 'a duplicate name' 's/"name": "ruby"/"name": "perl"/' 'duplicate name "perl"'
bad_input 'a duplicate value' 's/"value": 6,/"value": 7,/' 'frame_types\[7\] ("perl"): duplicate value 7 (already used by "ruby")'
bad_input 'a value outside 4 bits' 's/"value": 13,/"value": 16,/' 'frame_types\[13\] ("luajit"): value 16 is outside 0..15'
bad_input 'a negative value' 's/"value": 13,/"value": -1,/' '("luajit"): value -1 is outside'
bad_input 'a missing value' 's/"value": 11, //' 'frame_types\[11\] ("go"): missing integer field "value"'
bad_input 'a missing name' 's/"name": "beam", //' 'frame_types\[12\]: missing string field "name"'
bad_input 'a missing description' 's/,  *"description": "Ruby interpreter frame"//' '("ruby"): missing non-empty string field "description"'
bad_input 'a name that is not an identifier' 's/"php_jit"/"php-jit"/' '("php-jit"): name must match'
bad_input 'a name starting with a digit' 's/"v8"/"8v"/' '("8v"): name must match'
bad_input 'an upper-case name' 's/"ruby"/"Ruby"/' '("Ruby"): name must match'
bad_input 'names that clash in Go' 's/"name": "beam"/"name": "php__jit"/' 'php__jit'
bad_input 'an unknown field' 's/"description": "Go frame"/"desc": "Go frame"/' 'frame_types\[11\]: unknown field "desc"'
bad_input 'a value of the wrong type' 's/"value": 2,/"value": "2",/' '("php"): missing integer field "value"'
bad_input 'broken JSON' 's/"frame_types": \[/"frame_types": [[/' 'line [0-9]*:'
bad_input 'a key given twice' 's/"name": "go",/"name": "go", "name": "golang",/' 'duplicate object key'
bad_input 'an abort marker without the error bit' 's/"value": 255/"value": 127/' '"abort": 127 must have the error bit set'

test_expect_success 'bad usage and a missing file exit 2' '
	expect_exit 2 "$GEN" 2>err
	test_grep "^usage:" err
	expect_exit 2 "$GEN" --c x.h missing.json 2>err
	one_line err
	test_grep "cannot read .missing.json." err
'
test_done
