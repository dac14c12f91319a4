#!/bin/bash
# sbom.spdx.json: checked against tests/fixtures/spdx-schema-2.3.json, the
# official SPDX 2.3 JSON schema (spdx/spdx-spec, tag v2.3), by
# tests/tools/spdx-validate.py
# (python3-jsonschema, plus the rules the schema does not express); read a
# second time by tests/tools/sbom-read.js (packageurl-js parses every purl,
# spdx-expression-parse every license,
# CPEs against the CPE 2.3 grammar); each library's version, purl (arch,
# distro, upstream source package) and CPE against dpkg-query on this
# machine; the agent's and libanalyzer's purls, license and supplier; the
# relationships, libanalyzer's DYNAMIC_LINKs against its DT_NEEDED; the
# second reader's view of every relationship (sbom-read.js --links) against
# the manifest and the build record. The
# libraries and links are the packages of the files the build's link maps
# name (read here again with awk and dpkg-query -S): a library planted in
# the link is listed, one left out is found, and the real agent's map
# (this tree's build) gives every package it takes a member from.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/lib-release.sh"

"$R" keygen --out "$TRASH_ROOT/key" >/dev/null 2>&1
KEY=$TRASH_ROOT/key.key
SCHEMA=$ROOT/tests/fixtures/spdx-schema-2.3.json
VALIDATE=$ROOT/tests/tools/spdx-validate.py
READ=$ROOT/tests/tools/sbom-read.js
if ! [ -d "$ROOT/tests/node_modules/packageurl-js" ]; then
	echo "t2560: tests/node_modules has no packageurl-js: run ci/install-deps.sh (npm ci --prefix tests)" >&2
	exit 1
fi

# a release of v2.0.0 of a fake project into out/
released() {
	fake_project p
	git -C p tag -a v2.0.0 -m v2
	"$R" -C p release --key "$KEY" --out ../out >/dev/null 2>err
}

# the files link map $1 names as linked in: the archives a member was taken
# from and the objects loaded, absolute, made canonical (realpath -s)
map_statics() {
	awk '/^Archive member included/ { a = 1; next }
		/^[^ \t]/ && !/^[^ (]+\([^)]*\)/ { a = 0 }
		a && /^\/[^ (]*\(/ { sub(/\(.*/, ""); print }
		/^LOAD \/.*\.o$/ { print $2 }' "$1" | while read -r f; do realpath -sm "$f"; done | sort -u
}

# the shared libraries link map $1 names as needed (as-needed), found beside
# a shared library the linker loaded
map_needed() {
	awk '/^As-needed library included/ { a = 1; next } /^[^ \t]/ && !/^lib[^ \/]*\.so/ { a = 0 }
		a && /^[^ \t]/ { print $1 }' "$1" >needed-names
	awk '/^LOAD \/.*\.so(\.[0-9.]+)?$/ { print $2 }' "$1" >loaded
	while read -r so; do
		while read -r l; do
			if [ -e "$(dirname "$l")/$so" ]; then realpath -sm "$(dirname "$l")/$so"; break; fi
		done <loaded
	done <needed-names
}

# the packages (names without arch) that ship the files on stdin, one dpkg-query -S
# each file on stdin, then the same under merged /usr's other name (dpkg knows one)
with_usr_variants() {
	sed -e "p" -e "s|^/usr/|/|;t" -e "s|^/|/usr/|"
}

owners() {
	files=$(cat)
	test -n "$files" || return 0
	# shellcheck disable=SC2046
	dpkg-query -S $(printf "%s\n" "$files" | with_usr_variants) >owned 2>/dev/null
	for f in $files; do
		grep -q -e ": $f\$" -e ": ${f#/usr}\$" -e ": /usr$f\$" owned || { echo "no package ships $f" >&2; return 1; }
	done
	sed -e "s/: .*//" -e "s/:.*//" owned | sort -u
}

# the build directory of arch $1 in the work tree p
arch_build() {
	if [ "$1" = "$HOST_ARCH" ]; then echo p/build; else echo "p/build/$1"; fi
}

# the packages (without arch) SBOM $3 relates to element $1 by relationship $2
related() {
	jq -r --arg a "$1" --arg t "$2" '.relationships[] | select(.spdxElementId == $a and .relationshipType == $t) |
		.relatedSpdxElement as $id | $S[0].packages[] | select(.SPDXID == $id) | .name' --slurpfile S "$3" "$3" |
		sed "s/:.*//" | sort
}

# SBOM $2's links of arch $1 are the packages of what the link maps name:
# the agent's STATIC_LINKs, libanalyzer's STATIC_LINKs and DYNAMIC_LINKs
# (none only when $3 is "maybe-none": a link without --as-needed, such as
# the sanitized build's, lists no needed library in its map)
check_links() {
	dir=$(arch_build "$1")
	map_statics "$dir/obj/agent/link.map" | owners >want-agent || return 1
	map_statics "$dir/obj/libanalyzer-pic/link.map" | owners >want-lib || return 1
	map_needed "$dir/obj/libanalyzer-pic/link.map" | owners >want-needed || return 1
	test -s want-agent && { test -s want-needed || test "${3:-}" = maybe-none; } || return 1
	related "SPDXRef-Agent-$1" STATIC_LINK "$2" >got-agent &&
	related "SPDXRef-Libanalyzer-$1" STATIC_LINK "$2" >got-lib &&
	related "SPDXRef-Libanalyzer-$1" DYNAMIC_LINK "$2" >got-needed || return 1
	test_cmp want-agent got-agent && test_cmp want-lib got-lib && test_cmp want-needed got-needed
}

# a dpkg-query that prints the line $1 for every package, first on PATH
fake_dpkg_query() {
	mkdir -p fakebin
	printf '%s\n' "$1" >fakebin/answer
	# (-S, which file is whose, is asked of the real one)
	printf '#!/bin/sh\n[ "$1" != -S ] || exec %s "$@"\ncat "$(dirname "$0")/answer"\n' "$(command -v dpkg-query)" \
		>fakebin/dpkg-query
	chmod +x fakebin/dpkg-query
}

test_expect_success 'sbom.spdx.json is valid SPDX 2.3, listed in SHA256SUMS and the manifest' '
	released
	"$VALIDATE" "$SCHEMA" out/sbom.spdx.json >result
	echo valid >expect
	test_cmp expect result
	(cd out && sha256sum -c SHA256SUMS) >checked
	test_grep "^sbom.spdx.json: OK" checked
	test "$(jq -r ".artifacts[] | select(.name == \"sbom.spdx.json\") | .kind" out/manifest.json)" = sbom
'

test_expect_success 'the validator refuses what SPDX 2.3 does not allow' '
	released
	jq "del(.creationInfo)" out/sbom.spdx.json >no-info.json
	expect_exit 1 "$VALIDATE" "$SCHEMA" no-info.json >out1
	test_grep "creationInfo. is a required property" out1
	jq ".relationships[0].relationshipType = \"LINKS\"" out/sbom.spdx.json >bad-type.json
	expect_exit 1 "$VALIDATE" "$SCHEMA" bad-type.json >out2
	test_grep "is not one of" out2
	jq ".packages[0].SPDXID = \"SPDXRef-a_b\"" out/sbom.spdx.json >bad-id.json
	expect_exit 1 "$VALIDATE" "$SCHEMA" bad-id.json >out3
	test_grep "is not SPDXRef-" out3
	jq ".packages[0].version = \"1\"" out/sbom.spdx.json >extra.json
	expect_exit 1 "$VALIDATE" "$SCHEMA" extra.json >out4
	test_grep "Additional properties are not allowed" out4
'

test_expect_success 'the libraries of each arch are the packages of what its link maps name, at their versions' '
	released
	for arch in amd64 arm64; do
		dir=$(arch_build $arch)
		{ map_statics $dir/obj/agent/link.map; map_statics $dir/obj/libanalyzer-pic/link.map
		  map_needed $dir/obj/libanalyzer-pic/link.map; } | sort -u | owners >expect.$arch || return 1
		jq -r ".packages[] | select(.SPDXID | startswith(\"SPDXRef-Library-$arch-\")) | .name" \
			out/sbom.spdx.json | sort >names.$arch
		sed "s/:.*//" names.$arch | sort >bare.$arch
		test_cmp expect.$arch bare.$arch || return 1
		while read -r name; do
			want=$(dpkg-query -W -f "\${Version}" "$name")
			got=$(jq -r ".packages[] | select(.name == \"$name\") | .versionInfo" out/sbom.spdx.json)
			test -n "$want" && test "$got" = "$want" || return 1
			purl=$(jq -r ".packages[] | select(.name == \"$name\") | .externalRefs[0].referenceLocator" \
				out/sbom.spdx.json)
			case "$purl" in "pkg:deb/debian/${name%%:*}@"*) ;; *) echo "bad purl $purl"; return 1 ;; esac
		done <names.$arch
	done
	# glibc, libgcc and the runtime libraries libanalyzer.so needs
	test_grep "^libc6-dev:$HOST_ARCH$" names.$HOST_ARCH
	test_grep "^libgcc-12-dev:$HOST_ARCH$" names.$HOST_ARCH
	test_grep "^libbpf1:$HOST_ARCH$" names.$HOST_ARCH
	test_grep "^libc6-dev-arm64-cross$" names.arm64
	# licenses from the machine-readable copyright files; glibc has none
	test "$(jq -r ".packages[] | select(.name == \"zlib1g-dev:amd64\") | .licenseDeclared" out/sbom.spdx.json)" = Zlib
	test "$(jq -r ".packages[] | select(.name == \"libbpf-dev:arm64\") | .licenseDeclared" out/sbom.spdx.json)" = \
		"LGPL-2.1-only OR BSD-2-Clause"
	test "$(jq -r ".packages[] | select(.name == \"libc6-dev:$HOST_ARCH\") | .licenseDeclared" out/sbom.spdx.json)" = \
		NOASSERTION
'

test_expect_success 'relationships: DESCRIBES each artifact, CONTAINS the agent, STATIC_LINK and DYNAMIC_LINK as the link maps say' '
	released
	S=out/sbom.spdx.json
	jq -r ".relationships[] | select(.relationshipType == \"DESCRIBES\") | .relatedSpdxElement" $S >described
	printf "%s\n" SPDXRef-Artifact-profiling-agent-2.0.0-1.aarch64.rpm \
		SPDXRef-Artifact-profiling-agent-2.0.0-1.x86-64.rpm \
		SPDXRef-Artifact-profiling-agent-v2.0.0-linux-amd64.tar.gz \
		SPDXRef-Artifact-profiling-agent-v2.0.0-linux-arm64.tar.gz \
		SPDXRef-Artifact-profiling-agent-2.0.0-amd64.deb \
		SPDXRef-Artifact-profiling-agent-2.0.0-arm64.deb >expect
	test_cmp expect described
	for arch in amd64 arm64; do
		T=SPDXRef-Artifact-profiling-agent-v2.0.0-linux-$arch.tar.gz
		test "$(jq -r ".relationships[] | select(.spdxElementId == \"$T\" and .relationshipType == \"CONTAINS\") |
			.relatedSpdxElement" $S | paste -sd" ")" = "SPDXRef-Agent-$arch SPDXRef-Libanalyzer-$arch"
		test "$(jq -r ".packages[] | select(.SPDXID == \"$T\") | .checksums[0].checksumValue" $S)" = \
			"$(sha256sum out/profiling-agent-v2.0.0-linux-$arch.tar.gz | cut -d" " -f1)"
		check_links $arch $S || return 1
	done
'
test_expect_success 'reproducible: created is the release epoch, the namespace names version and commit' '
	released
	commit=$(git -C p rev-parse HEAD)
	test "$(jq -r .creationInfo.created out/sbom.spdx.json)" = 2024-01-02T03:04:05Z
	test "$(jq -r .documentNamespace out/sbom.spdx.json)" = \
		"https://spdx.org/spdxdocs/profiling-agent-v2.0.0-$commit"
	"$R" -C p release --key "$KEY" --out ../again >/dev/null 2>&1
	cmp out/sbom.spdx.json again/sbom.spdx.json
'

test_expect_success 'package takes the versions the build recorded, not what dpkg-query says later' '
	fake_project p
	git -C p tag -a v2.0.0 -m v2
	"$R" -C p build >/dev/null 2>&1
	fake_dpkg_query "installed	$HOST_ARCH	9.9-9	fake	9.9-9"
	PATH=$PWD/fakebin:$PATH "$R" -C p package --key "$KEY" --out ../out >/dev/null 2>&1
	test "$(jq -r ".packages[] | select(.name == \"libbpf-dev:$HOST_ARCH\") | .versionInfo" out/sbom.spdx.json)" = \
		"$(dpkg-query -W -f "\${Version}" libbpf-dev:$HOST_ARCH)"
	test_grep -v 9.9-9 out/sbom.spdx.json
'

test_expect_success 'what dpkg-query prints is checked: no version, not installed, or not a version stops the build' '
	fake_project p
	for answer in "installed	$HOST_ARCH	1.0\"}	libbpf	1.0" "installed	$HOST_ARCH		libbpf	1.0" \
		"config-files	$HOST_ARCH	1.0-1	libbpf	1.0-1" "installed	s390x	1.0-1	libbpf	1.0-1" "garbage" \
		"installed	$HOST_ARCH	1.0-1" "installed	$HOST_ARCH	1.0-1	lib bpf	1.0-1" \
		"installed	$HOST_ARCH	1.0-1	libbpf	1.0\"}" "installed	$HOST_ARCH	1.0-1	libbpf	1.0-1	x"; do
		fake_dpkg_query "$answer"
		expect_exit 1 env PATH=$PWD/fakebin:$PATH "$R" -q -C p release --key "$KEY" --out ../out 2>err
		grep "^releaser: " err >msg
		one_line msg
		test_grep "libbpf-dev:$HOST_ARCH" msg
		test_grep "check the package database\|not installed" msg
		test ! -e out
	done
	printf "#!/bin/sh\n[ \"\$1\" != -S ] || exec %s \"\$@\"\nexit 1\n" "$(command -v dpkg-query)" >fakebin/dpkg-query
	expect_exit 1 env PATH=$PWD/fakebin:$PATH "$R" -q -C p release --key "$KEY" --out ../out 2>err
	grep "^releaser: " err >msg
	one_line msg
	test_grep "libbpf-dev:$HOST_ARCH. is not installed (dpkg-query exited with 1).*install-deps.sh" msg
'

test_expect_success 'finalize refuses per-arch manifests that carry no library versions' '
	fake_project p
	git -C p tag -a v2.0.0 -m v2
	"$R" -C p release --no-sign --out ../parts >/dev/null 2>&1
	jq "del(.static_libraries)" parts/manifest-arm64.json >changed
	mv changed parts/manifest-arm64.json
	expect_exit 1 "$R" finalize --out parts --key "$KEY" 2>err
	one_line err
	test_grep "no versions of the libraries the arm64 agent links" err
	test ! -e parts/SHA256SUMS
	test ! -e parts/sbom.spdx.json
'
# the CPE 2.3 vendor and product NVD gives each Debian source package
cpe_product() {
	case "$1" in
	libbpf) echo libbpf_project:libbpf ;;
	elfutils) echo elfutils_project:elfutils ;;
	zlib) echo zlib:zlib ;;
	libzstd) echo facebook:zstandard ;;
	jansson) echo jansson_project:jansson ;;
	glibc) echo gnu:glibc ;;
	gcc-12) echo gnu:gcc ;;
	bzip2) echo bzip:bzip2 ;;
	xz-utils) echo tukaani:xz ;;
	protobuf-c) echo protobuf-c_project:protobuf-c ;;
	*) return 1 ;;
	esac
}

# a version as a purl component: + and @ percent-encoded
enc() { printf "%s" "$1" | sed -e "s/%/%25/g" -e "s/+/%2B/g" -e "s/@/%40/g"; }

test_expect_success 'a second reader: every purl parses (packageurl-js) with sorted qualifiers, every CPE is CPE 2.3' '
	released
	"$READ" out/sbom.spdx.json >read
	# the agent and libanalyzer of each arch, and every library
	test "$(wc -l <read)" = "$(jq "[.packages[] | select(.SPDXID | test(\"^SPDXRef-(Agent|Libanalyzer|Library)-\"))] | length" \
		out/sbom.spdx.json)"
	# a purl or CPE that is not one is found
	jq "(.packages[] | select(.name == \"zlib1g-dev:amd64\") | .externalRefs[0].referenceLocator) |= \"pkg:deb/debian/zlib1g-dev@1.0?distro=debian-12&arch=amd64\" |
		(.packages[] | select(.name == \"libjansson-dev:amd64\") | .externalRefs[1].referenceLocator) |= \"cpe:2.3:a:jansson project:jansson\"" \
		out/sbom.spdx.json >bad.json
	expect_exit 1 "$READ" bad.json >/dev/null 2>err
	test_grep "SPDXRef-Library-amd64-zlib1g-dev: purl .*: qualifiers are not sorted" err
	test_grep "SPDXRef-Library-amd64-libjansson-dev: cpe:2.3:a:jansson project:jansson is not a CPE 2.3 formatted string" err
	test_line_count err 2
'

test_expect_success 'each library: purl with arch, distro=debian-12 and upstream, and CPE, as dpkg-query says' '
	released
	"$READ" out/sbom.spdx.json >read
	grep "^SPDXRef-Library-" read >libs
	test "$(wc -l <libs)" = "$(jq "[.packages[] | select(.SPDXID | startswith(\"SPDXRef-Library-\"))] | length" \
		out/sbom.spdx.json)"
	while IFS="	" read -r id name version type ns pname pversion arch distro upstream subpath cpe; do
		dpkg-query -W -f "\${Package}	\${Version}	\${Architecture}	\${source:Package}	\${source:Version}\n" \
			"$name" >q || return 1
		IFS="	" read -r pkg v a src srcv <q
		# the cross glibc is glibc, the cross libgcc gcc-N, at its version less "crossN"
		case "$pkg" in
		libc6*-cross) src=glibc srcv=$(printf "%s" "$v" | sed "s/cross[0-9]*$//") ;;
		*-cross) src=${src%-cross} srcv=$(printf "%s" "$v" | sed "s/cross[0-9]*$//") ;;
		esac
		test "$version" = "$v" && test "$type/$ns/$pname" = "deb/debian/$pkg" && test "$pversion" = "$v" &&
			test "$arch" = "$a" && test "$distro" = debian-12 && test "$subpath" = - || return 1
		if [ "$srcv" = "$v" ]; then want=$src; else want="$src@$srcv"; fi
		test "$upstream" = "$want" || return 1
		up=$(printf "%s" "${srcv#*:}" | grep -o "^[0-9.]*" | sed "s/\.*$//")
		test "$cpe" = "cpe:2.3:a:$(cpe_product "$src"):$up:*:*:*:*:*:*:*" || return 1
		grep -q "\"pkg:deb/debian/$pkg@$(enc "$v")?arch=$a&distro=debian-12&upstream=$(enc "$want")\"" \
			out/sbom.spdx.json || return 1
	done <libs
	# every upstream is there, for each arch; the cross glibc as glibc 2.x
	for arch in amd64 arm64; do
		grep "^SPDXRef-Library-$arch-" libs | cut -f10 | sed "s/@.*//" | sort -u | paste -sd" " >ups
		echo "elfutils gcc-12 glibc jansson libbpf zlib" >expect
		test_cmp expect ups
	done
	grep "^SPDXRef-Library-.*-libc6-dev" libs | cut -f12 | grep -q "^cpe:2.3:a:gnu:glibc:2\.[0-9]*:"
	test "$(jq -r ".packages[] | select(.name == \"libbpf-dev:amd64\") | .supplier" out/sbom.spdx.json)" = \
		"Organization: Debian"
'

test_expect_success 'the agent and libanalyzer: purl of the GitHub source, license from LICENSE, supplier' '
	fake_project p
	cp "$ROOT/LICENSE" p/LICENSE
	git -C p commit -qam "the real license"
	git -C p tag -a v2.0.0 -m v2
	GITHUB_ACTIONS=true GITHUB_SERVER_URL=https://github.com GITHUB_REPOSITORY=acme/agent \
		GITHUB_WORKFLOW_REF=acme/agent/.github/workflows/release.yml@refs/tags/v2.0.0 GITHUB_RUN_ID=1 \
		GITHUB_RUN_ATTEMPT=1 GITHUB_REF_TYPE=tag GITHUB_REF_NAME=v2.0.0 \
		"$R" -C p release --key "$KEY" --out ../out >/dev/null 2>&1
	"$VALIDATE" "$SCHEMA" out/sbom.spdx.json >result
	echo valid >expect
	test_cmp expect result
	"$READ" out/sbom.spdx.json >read
	for arch in amd64 arm64; do
		grep -q "^SPDXRef-Agent-$arch	profiling-agent	v2.0.0	github	acme	agent	v2.0.0	$arch	-	-	-	-$" read &&
		grep -q "^SPDXRef-Libanalyzer-$arch	libanalyzer	v2.0.0	github	acme	agent	v2.0.0	$arch	-	-	libanalyzer	-$" read ||
			return 1
		for id in SPDXRef-Agent-$arch SPDXRef-Libanalyzer-$arch; do
			jq -r ".packages[] | select(.SPDXID == \"$id\") | [.licenseDeclared, .licenseConcluded, .supplier] | join(\"|\")" \
				out/sbom.spdx.json >got || return 1
			echo "BSD-2-Clause AND (GPL-2.0-only OR BSD-2-Clause)|BSD-2-Clause AND (GPL-2.0-only OR BSD-2-Clause)|Organization: acme" >want
			test_cmp want got || return 1
		done
	done
'

test_expect_success 'without a GitHub source: pkg:generic, and a LICENSE it does not know is NOASSERTION' '
	released
	"$READ" out/sbom.spdx.json >read
	grep -q "^SPDXRef-Agent-amd64	profiling-agent	v2.0.0	generic	-	profiling-agent	v2.0.0	amd64	-	-	-	-$" read
	grep -q "^SPDXRef-Libanalyzer-arm64	libanalyzer	v2.0.0	generic	-	profiling-agent	v2.0.0	arm64	-	-	libanalyzer	-$" read
	test "$(jq -r ".packages[] | select(.SPDXID == \"SPDXRef-Agent-amd64\") | .licenseDeclared + \"|\" + .supplier" \
		out/sbom.spdx.json)" = "NOASSERTION|NOASSERTION"
'

test_expect_success 'libanalyzer DYNAMIC_LINKs what its DT_NEEDED names (readelf -d), by source package' '
	released
	S=out/sbom.spdx.json
	"$READ" $S >read
	# what the real libanalyzer.so of this build needs, as the source packages that ship it;
	# a sanitized build links the sanitizers too, which no release does: then the plain build of it
	lib=$BUILD/lib/libanalyzer.so
	if readelf -d "$lib" | grep -q "NEEDED.*\[libasan"; then
		lib=$ROOT/build/lib/libanalyzer.so
	fi
	readelf -d "$lib" | sed -n "s/.*(NEEDED).*\[\(.*\)\]/\1/p" >needed
	not grep -q "^libasan" needed
	test -s needed
	while read -r so; do
		owner=$(dpkg-query -S "*/$so" | grep ":$HOST_ARCH: " | head -1 | cut -d: -f1,2) || return 1
		dpkg-query -W -f "\${source:Package}\n" "$owner" || return 1
	done <needed | sort -u >want
	jq -r ".relationships[] | select(.spdxElementId == \"SPDXRef-Libanalyzer-$HOST_ARCH\" and
		.relationshipType == \"DYNAMIC_LINK\") | .relatedSpdxElement" $S >linked
	while read -r id; do
		grep "^$id	" read | cut -f10 | sed "s/@.*//" || return 1
	done <linked | sort -u >got
	test_cmp want got
	test "$(jq "[.relationships[] | select(.relationshipType == \"DYNAMIC_LINK\")] | length" $S)" = 6
'
test_expect_success 'a library planted in the real link is listed; one left out of the SBOM is found' '
	fake_project p
	git -C p tag -a v2.0.0 -m v2
	FAKE_ELF=1 FAKE_LINK="-lbz2 -Wl,-u,BZ2_bzCompress" "$R" -C p release --key "$KEY" --out ../out >/dev/null 2>err
	S=out/sbom.spdx.json
	for arch in amd64 arm64; do
		check_links $arch $S || return 1
		related SPDXRef-Agent-$arch STATIC_LINK $S >agent.$arch || return 1
		grep -qx libbz2-dev agent.$arch || return 1
	done
	grep -q "\"pkg:deb/debian/libbz2-dev@[^\"]*?arch=$HOST_ARCH&distro=debian-12&upstream=bzip2[^\"]*\"" $S
	grep -q "\"cpe:2.3:a:bzip:bzip2:1\.[0-9.]*:\*:\*:\*:\*:\*:\*:\*\"" $S
	# the same SBOM without libbz2-dev fails the check
	jq "del(.relationships[] | select(.relatedSpdxElement == \"SPDXRef-Library-$HOST_ARCH-libbz2-dev\"))" $S >less.json
	not check_links $HOST_ARCH less.json >/dev/null 2>&1
	# without -lbz2 the build links no libbz2, and the SBOM lists none
	rm -rf out p
	fake_project p
	git -C p tag -a v2.0.0 -m v2
	FAKE_ELF=1 "$R" -C p release --key "$KEY" --out ../out >/dev/null 2>err
	check_links $HOST_ARCH $S
	test_grep -v libbz2 $S
'

test_expect_success 'the real build: every package the agent and libanalyzer.so of this tree link is in the SBOM' '
	test -f "$BUILD/obj/agent/link.map"
	test -f "$BUILD/obj/libanalyzer-pic/link.map"
	fake_project p
	git -C p tag -a v2.0.0 -m v2
	env "FAKE_MAPS_$HOST_ARCH=$BUILD" "$R" -C p release --key "$KEY" --out ../out >/dev/null 2>err
	cmp "$BUILD/obj/agent/link.map" p/build/obj/agent/link.map
	# (the sanitized build links libanalyzer.so without --as-needed)
	if grep -q "^As-needed library included" "$BUILD/obj/libanalyzer-pic/link.map"; then
		check_links $HOST_ARCH out/sbom.spdx.json && test -s got-needed
	else
		check_links $HOST_ARCH out/sbom.spdx.json maybe-none
	fi
	"$VALIDATE" "$SCHEMA" out/sbom.spdx.json >result
	echo valid >expect
	test_cmp expect result
	# the static agent takes members from elfutils, gcc (libgcc, libsupc++) and glibc
	# (the sanitized build links it dynamically)
	if ! readelf -d "$BUILD/bin/profiling-agent" | grep -q NEEDED; then
		for p in libdw-dev libelf-dev libbpf-dev libc6-dev libgcc-12-dev libstdc++-12-dev zlib1g-dev; do
			grep -qx "$p" got-agent || return 1
		done
	fi
	# and every one of them has a CPE
	"$READ" out/sbom.spdx.json >read
	grep "^SPDXRef-Library-$HOST_ARCH-" read | cut -f12 >cpes
	not grep -x -- - cpes
'

test_expect_success 'a build without a link map, or linking a file no package ships, stops the release' '
	fake_project p
	git -C p tag -a v2.0.0 -m v2
	mkdir -p maps/obj/agent maps/obj/libanalyzer-pic
	printf "As-needed library included to satisfy reference by file (symbol)\n\nlibc.so.6 x.o (getpid)\n\nLOAD %s\n" \
		"$(cc -print-file-name=libc.so.6)" >maps/obj/libanalyzer-pic/link.map
	printf "Archive member included to satisfy reference by file (symbol)\n\n/opt/vendor/libfoo.a(foo.o)\n%30s x.o (foo)\n" "" \
		>maps/obj/agent/link.map
	expect_exit 1 env "FAKE_MAPS_$HOST_ARCH=$PWD/maps" "$R" -q -C p release --key "$KEY" --out ../out 2>err
	grep "^releaser: " err >msg
	one_line msg
	test_grep "./opt/vendor/libfoo.a., which the $HOST_ARCH build links, is in no Debian package" msg
	test ! -e out
	rm maps/obj/agent/link.map
	expect_exit 1 env "FAKE_MAPS_$HOST_ARCH=$PWD/maps" "$R" -q -C p release --key "$KEY" --out ../out 2>err
	grep "^releaser: " err >msg
	one_line msg
	test_grep "build left no link map .*obj/agent/link.map.*-Wl,-Map" msg
	test ! -e out
'
# what the releaser meant to write, in sbom-read.js --links' form: from the
# manifest, each package file DESCRIBED and CONTAINING the agent and
# libanalyzer of its arch; from the build record, each library linked
intended_links() {
	jq -r '.artifacts[] | select(.kind == "tarball" or .kind == "deb" or .kind == "rpm") |
		"DOCUMENT\tDESCRIBES\t\(.name)", "\(.name)\tCONTAINS\tprofiling-agent[\(.arch)]",
		"\(.name)\tCONTAINS\tlibanalyzer[\(.arch)]"' out/manifest.json
	jq -r '.static_libraries | to_entries[] | select(.key != "project_license") | .key as $a | .value[] |
		((if .arch == "all" then .package else "\(.package):\(.arch)" end) + "[\(.arch)]") as $n | .links[] |
		if . == "agent" then "profiling-agent[\($a)]\tSTATIC_LINK\t\($n)"
		elif . == "libanalyzer" then "libanalyzer[\($a)]\tSTATIC_LINK\t\($n)"
		else "libanalyzer[\($a)]\tDYNAMIC_LINK\t\($n)" end' p/build/releaser-build
}

test_expect_success 'a second reader of the whole document: its relationships are what the releaser meant to write' '
	released
	"$READ" --links out/sbom.spdx.json >read-links
	intended_links | LC_ALL=C sort >want-links
	test_cmp want-links read-links
	grep -q "^profiling-agent\[arm64\]	STATIC_LINK	libc6-dev-arm64-cross\[all\]$" read-links
	grep -q "^libanalyzer\[$HOST_ARCH\]	DYNAMIC_LINK	libbpf1:$HOST_ARCH\[$HOST_ARCH\]$" read-links
	# a relationship to no element, a duplicate id, a package without a version are found
	jq ".relationships[0].relatedSpdxElement = \"SPDXRef-nothing\" | .packages[1].SPDXID = .packages[0].SPDXID |
		del(.packages[2].versionInfo)" out/sbom.spdx.json >bad.json
	expect_exit 1 "$READ" --links bad.json >/dev/null 2>err
	test_grep "names SPDXRef-nothing, which is no element" err
	test_grep "is not unique" err
	test_grep ": no versionInfo" err
	# a license that is no SPDX license expression (spdx-expression-parse)
	jq ".packages[0].licenseDeclared = \"BSD-2-Claus AND MIT\"" out/sbom.spdx.json >bad-license.json
	expect_exit 1 "$READ" --links bad-license.json >/dev/null 2>err
	test_grep "licenseDeclared .*Claus.* is no SPDX license expression" err
	# one relationship left out is a difference
	jq "del(.relationships[] | select(.relationshipType == \"DYNAMIC_LINK\"))" out/sbom.spdx.json >less.json
	"$READ" --links less.json >less-links
	not test_cmp want-links less-links >/dev/null
'
test_done
