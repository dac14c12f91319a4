#!/bin/bash
# releaser package and release: what the tarballs hold, reproducibility,
# SHA256SUMS, manifest.json, provenance and signatures.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/lib-release.sh"
# no case looks at the linked libraries (t2560 does): no dpkg-query in each release
export FAKE_NO_LIBS=1

OTHER_ARCH=$([ "$HOST_ARCH" = amd64 ] && echo arm64 || echo amd64)

# a key pair made once for the whole file
"$R" keygen --out "$TRASH_ROOT/key" >/dev/null 2>&1
KEY=$TRASH_ROOT/key.key
PUB=$TRASH_ROOT/key.pub

test_expect_success 'package --help and release --help list the options and the exit codes' '
	"$R" package --help >out
	test_grep "^usage: releaser package" out
	test_grep "[-]-no-sign" out
	test_grep "exit codes" out
	"$R" release --help >out2
	test_grep "^usage: releaser release" out2
	test_grep "[-]-check-reproducible" out2
	test_grep "[-]-snapshot" out2
'

test_expect_success 'the host tarball is an SDK prefix: agent, lib, pkg-config, headers, analyzers, docs; root-owned, fixed modes' '
	fake_project p && cd p
	"$R" release --key "$KEY" >../out 2>../err
	v=v0.0.0-SNAPSHOT-$(git rev-parse --short=12 HEAD)
	top=profiling-agent-$v-linux-$HOST_ARCH
	tar_listing dist/$top.tar.gz | awk "{ print \$1, \$2, \$4, \$5, \$6 }" >../listing
	cat >../expect <<-EXPECT
	drwxr-xr-x root/root 2024-01-02 03:04 $top/
	drwxr-xr-x root/root 2024-01-02 03:04 $top/bin/
	-rwxr-xr-x root/root 2024-01-02 03:04 $top/bin/profiling-agent
	drwxr-xr-x root/root 2024-01-02 03:04 $top/include/
	drwxr-xr-x root/root 2024-01-02 03:04 $top/include/analyzer/
	-rw-r--r-- root/root 2024-01-02 03:04 $top/include/analyzer.h
	-rw-r--r-- root/root 2024-01-02 03:04 $top/include/analyzer/frametypes.h
	drwxr-xr-x root/root 2024-01-02 03:04 $top/lib/
	-rw-r--r-- root/root 2024-01-02 03:04 $top/lib/libanalyzer.a
	lrwxrwxrwx root/root 2024-01-02 03:04 $top/lib/libanalyzer.so
	-rwxr-xr-x root/root 2024-01-02 03:04 $top/lib/libanalyzer.so.1
	drwxr-xr-x root/root 2024-01-02 03:04 $top/lib/pkgconfig/
	-rw-r--r-- root/root 2024-01-02 03:04 $top/lib/pkgconfig/analyzer.pc
	drwxr-xr-x root/root 2024-01-02 03:04 $top/share/
	drwxr-xr-x root/root 2024-01-02 03:04 $top/share/analyzer/
	-rw-r--r-- root/root 2024-01-02 03:04 $top/share/analyzer/analyzer.ebpf.debug.$HOST_ARCH
	-rw-r--r-- root/root 2024-01-02 03:04 $top/share/analyzer/analyzer.ebpf.release.$HOST_ARCH
	-rw-r--r-- root/root 2024-01-02 03:04 $top/share/analyzer/frametypes.json
	drwxr-xr-x root/root 2024-01-02 03:04 $top/share/doc/
	drwxr-xr-x root/root 2024-01-02 03:04 $top/share/doc/profiling-agent/
	-rw-r--r-- root/root 2024-01-02 03:04 $top/share/doc/profiling-agent/BUILDINFO
	-rw-r--r-- root/root 2024-01-02 03:04 $top/share/doc/profiling-agent/LICENSE
	-rw-r--r-- root/root 2024-01-02 03:04 $top/share/doc/profiling-agent/README.md
	EXPECT
	test_cmp ../expect ../listing
	tar -xzf dist/$top.tar.gz -C ..
	cmp ../$top/bin/profiling-agent build/bin/profiling-agent
	cmp ../$top/lib/libanalyzer.so.1 build/lib/libanalyzer.so
	cmp ../$top/share/analyzer/analyzer.ebpf.release.$HOST_ARCH build/ebpf/analyzer.ebpf.release.$HOST_ARCH
	cmp ../$top/share/doc/profiling-agent/LICENSE LICENSE
	test "$(readlink ../$top/lib/libanalyzer.so)" = libanalyzer.so.1
	doc=../$top/share/doc/profiling-agent
	test "$(value version $doc/BUILDINFO)" = $v
	test "$(value commit $doc/BUILDINFO)" = "$(git rev-parse HEAD)"
	test "$(value channel $doc/BUILDINFO)" = release
	test "$(value flavors $doc/BUILDINFO)" = "release debug"
	test "$(value agent $doc/BUILDINFO)" = yes
	test "$(value source_date_epoch $doc/BUILDINFO)" = $FAKE_EPOCH
'

test_expect_success 'analyzer.pc carries the release version as pkg-config orders it, and is relocatable' '
	fake_project p && cd p
	sha=$(git rev-parse --short=12 HEAD)
	"$R" release --key "$KEY" --arch $HOST_ARCH >/dev/null 2>&1
	tar -xzf dist/profiling-agent-v0.0.0-SNAPSHOT-$sha-linux-$HOST_ARCH.tar.gz -C ..
	mv ../profiling-agent-v0.0.0-SNAPSHOT-$sha-linux-$HOST_ARCH ../moved
	test "$(PKG_CONFIG_PATH=../moved/lib/pkgconfig pkg-config --modversion analyzer)" = "0.0.0~SNAPSHOT-$sha"
	PKG_CONFIG_PATH=../moved/lib/pkgconfig pkg-config --cflags analyzer >../cflags
	test_grep "^-I\.\./moved/lib/pkgconfig/\.\./\.\./include *$" ../cflags
	PKG_CONFIG_PATH=../moved/lib/pkgconfig not pkg-config --exists "analyzer >= 0.0.0"
	git tag -a v1.2.3 -m v1.2.3 && commit_change after && git tag -a v1.3.0-rc.1 -m rc
	"$R" release --key "$KEY" --arch $HOST_ARCH --out ../rc >/dev/null 2>&1
	test_grep " PC_VERSION=1.3.0~rc.1 " build/make.log
	tar -xzf ../rc/profiling-agent-v1.3.0-rc.1-linux-$HOST_ARCH.tar.gz -C ..
	export PKG_CONFIG_PATH=../profiling-agent-v1.3.0-rc.1-linux-$HOST_ARCH/lib/pkgconfig
	test "$(pkg-config --modversion analyzer)" = 1.3.0~rc.1
	pkg-config --exists "analyzer >= 1.2.3"
	not pkg-config --exists "analyzer >= 1.3.0"
'

test_expect_success 'the tarball header has no timestamp and the tar has plain ustar entries' '
	fake_project p && cd p
	"$R" release --key "$KEY" >/dev/null 2>&1
	for t in dist/*.tar.gz; do
		test "$(od -A n -t x1 -j 4 -N 4 "$t" | tr -d " ")" = 00000000
		gzip -t "$t"
		gzip -dc "$t" >../plain.tar
		not grep -aq "atime=\|ctime=\|SCHILY\|LIBARCHIVE" ../plain.tar
	done
'

test_expect_success 'every arch ships the same files: the other arch is built with the cross tools' '
	fake_project p && cd p
	"$R" release --key "$KEY" >/dev/null 2>&1
	v=v0.0.0-SNAPSHOT-$(git rev-parse --short=12 HEAD)
	for a in $HOST_ARCH $OTHER_ARCH; do
		tar -tvzf dist/profiling-agent-$v-linux-$a.tar.gz |
			awk "{ print \$1, \$6 }" | sed "s/linux-$a/linux-ARCH/; s/\.$a\$/.ARCH/" >../list-$a
	done
	test_cmp ../list-$HOST_ARCH ../list-$OTHER_ARCH
	test_grep "/bin/profiling-agent$" ../list-$OTHER_ARCH
	test_grep "AGENT_ARCH=$OTHER_ARCH ARCHES=$OTHER_ARCH " build/$OTHER_ARCH/make.log
	top=profiling-agent-$v-linux-$OTHER_ARCH
	tar -xzf dist/$top.tar.gz -C .. $top/share/doc/profiling-agent/BUILDINFO
	test "$(value agent ../$top/share/doc/profiling-agent/BUILDINFO)" = yes
'

test_expect_success 'a debug release ships only the debug analyzer, under the release name' '
	fake_project p && cd p
	git checkout -q -b debug
	git tag -a v1.0.1-debug -m debug
	"$R" release --key "$KEY" --arch $HOST_ARCH >/dev/null 2>&1
	top=profiling-agent-v1.0.1-debug-linux-$HOST_ARCH
	tar -tzf dist/$top.tar.gz | grep share/analyzer/analyzer >../objects
	echo "$top/share/analyzer/analyzer.ebpf.release.$HOST_ARCH" >../expect
	test_cmp ../expect ../objects
	tar -xzf dist/$top.tar.gz -C ..
	grep -aq "flavor=debug" ../$top/share/analyzer/analyzer.ebpf.release.$HOST_ARCH
	test "$(value flavors ../$top/share/doc/profiling-agent/BUILDINFO)" = debug
	test "$(value release_slot ../$top/share/doc/profiling-agent/BUILDINFO)" = debug
	test "$(value ref ../$top/share/doc/profiling-agent/BUILDINFO)" = refs/tags/v1.0.1-debug
	test "$(jq -r ".artifacts[0].flavors | join(\",\")" dist/manifest.json)" = debug
'

test_expect_success 'two runs, and two clones at other paths, give byte-identical tarballs' '
	fake_project p && cd p
	git tag -a v1.0.0 -m v1
	"$R" release --key "$KEY" --out ../one >/dev/null 2>&1
	"$R" package --key "$KEY" --out ../two >/dev/null 2>&1
	cd .. && git clone -q p elsewhere/deeper/q && cd elsewhere/deeper/q
	"$R" release --key "$KEY" --out ../../../three >/dev/null 2>&1
	cd ../../..
	for f in one/*; do
		cmp "$f" two/$(basename "$f")
		cmp "$f" three/$(basename "$f")
	done
	test "$(ls one | wc -l)" = 15
'

test_expect_success '--check-reproducible builds twice and passes on a reproducible build' '
	fake_project p && cd p
	"$R" release --key "$KEY" --check-reproducible >/dev/null 2>../err
	test_grep "reproducible: 2 tarballs and 4 packages byte-identical across two builds" ../err
	test_grep " AGENT_ARCH=$HOST_ARCH ARCHES=$HOST_ARCH " build/reproducible/make.log
	test_grep " AGENT_ARCH=$OTHER_ARCH ARCHES=$OTHER_ARCH " build/reproducible/$OTHER_ARCH/make.log
	cd dist && sha256sum -c SHA256SUMS >/dev/null
'

test_expect_success '--check-reproducible stops a build that is not reproducible, writing nothing' '
	fake_project p && cd p
	FAKE_UNREPRODUCIBLE=1 expect_exit 1 "$R" release --key "$KEY" --check-reproducible >/dev/null 2>../err
	tail -n 1 ../err >../last
	test_grep "linux-$HOST_ARCH.tar.gz. differs between two builds of the same commit (first at .profiling-agent-.*-linux-$HOST_ARCH/bin/profiling-agent.)" ../last
	test_grep "the build is not reproducible" ../last
	test -z "$(ls -A dist)"
'

test_expect_success 'SOURCE_DATE_EPOCH sets every mtime and the signature timestamp' '
	fake_project p && cd p
	SOURCE_DATE_EPOCH=1000000000 "$R" release --key "$KEY" >/dev/null 2>&1
	for t in dist/*.tar.gz; do
		tar_listing "$t" | awk "{ print \$4, \$5 }" | sort -u >../times
		echo "2001-09-09 01:46" >../expect
		test_cmp ../expect ../times
	done
	minisign -Vm dist/SHA256SUMS -p "$PUB" >../verified
	test_grep "timestamp:1000000000 " ../verified
'

test_expect_success 'SHA256SUMS is sorted GNU format covering tarballs, packages, notes, SBOM, manifest and provenance' '
	fake_project p && cd p
	"$R" release --key "$KEY" >/dev/null 2>&1
	cd dist
	sha256sum -c SHA256SUMS >../../checked
	test_line_count ../../checked 12
	awk "{ print \$2 }" SHA256SUMS >../../names
	sort ../../names >../../sorted
	test_cmp ../../sorted ../../names
	test_grep "^manifest.json$" ../../names
	test_grep "^provenance.intoto.json$" ../../names
	test_grep "^CHANGELOG.md$" ../../names
	test_grep "^sbom.spdx.json$" ../../names
	test_grep "^provenance.intoto.jsonl$" ../../names
	test_grep "^provenance.sigstore.json$" ../../names
	test "$(grep -c "tar.gz$" ../../names)" = 2
	"$R" verify --pubkey "$PUB" . >/dev/null
'

test_expect_success 'manifest.json lists every artifact with its sha256, size, arch and flavors' '
	fake_project p && cd p
	"$R" release --key "$KEY" >/dev/null 2>&1
	cd dist
	jq -r ".artifacts[] | \"\(.sha256)  \(.name)\"" manifest.json | sha256sum -c - >/dev/null
	jq -r ".artifacts[] | \"\(.name) \(.size)\"" manifest.json | while read -r name size; do
		test "$(stat -c %s "$name")" = "$size"
	done
	test "$(jq -r "[.artifacts[] | select(.kind == \"tarball\") | .arch] | sort | join(\",\")" manifest.json)" = amd64,arm64
	test "$(jq -r ".artifacts[] | select(.kind == \"tarball\" and .arch == \"$HOST_ARCH\") | .agent" manifest.json)" = true
	test "$(jq -r ".artifacts[] | select(.kind == \"tarball\" and .arch == \"$OTHER_ARCH\") | .agent" manifest.json)" = true
	test "$(jq -r "[.artifacts[] | select(.kind == \"deb\") | .arch] | sort | join(\",\")" manifest.json)" = amd64,arm64
	test "$(jq -r ".artifacts[0].flavors | join(\",\")" manifest.json)" = release,debug
	test "$(jq -r .commit manifest.json)" = "$(git rev-parse HEAD)"
	test "$(jq -r .channel manifest.json)" = release
	test "$(jq -r ".signatures | join(\",\")" manifest.json)" = SHA256SUMS.minisig,SHA256SUMS.sig
'

test_expect_success 'provenance is an in-toto statement with SLSA v1 provenance of the tarballs and packages' '
	fake_project p && cd p
	git tag -a v3.1.4 -m v3
	RELEASER_BUILDER_ID=https://ci.example.invalid/runner RELEASER_SOURCE_URI=https://git.example.invalid/agent.git \
		"$R" release --key "$KEY" >/dev/null 2>&1
	cd dist
	P=provenance.intoto.json
	test "$(jq -r ._type $P)" = https://in-toto.io/Statement/v1
	test "$(jq -r .predicateType $P)" = https://slsa.dev/provenance/v1
	jq -r ".subject[] | \"\(.digest.sha256)  \(.name)\"" $P >../../subjects
	grep -e "tar.gz$" -e "deb$" -e "rpm$" SHA256SUMS | sort -k2 >../../tarballs
	sort -k2 ../../subjects >../../subjects.sorted
	test_cmp ../../tarballs ../../subjects.sorted
	test "$(jq -r .predicate.runDetails.builder.id $P)" = https://ci.example.invalid/runner
	D=.predicate.buildDefinition
	test "$(jq -r "$D.resolvedDependencies[0].digest.gitCommit" $P)" = "$(git rev-parse HEAD)"
	test "$(jq -r "$D.resolvedDependencies[0].uri" $P)" = "git+https://git.example.invalid/agent.git@refs/tags/v3.1.4"
	test "$(jq -r "$D.externalParameters.ref" $P)" = refs/tags/v3.1.4
	test "$(jq -r "$D.externalParameters.channel" $P)" = release
	test "$(jq -r "$D.externalParameters.flavors | join(\",\")" $P)" = release,debug
'

test_expect_success 'the signatures verify with minisign and signify, and a flipped byte fails them' '
	fake_project p && cd p
	git tag -a v1.0.0 -m v1
	"$R" release --key "$KEY" >/dev/null 2>&1
	cd dist
	minisign -Vm SHA256SUMS -p "$PUB" >../../verified
	test_grep "version:v1.0.0 " ../../verified
	test_grep "commit:$(git rev-parse HEAD) " ../../verified
	signify-openbsd -V -e -p "$PUB" -x SHA256SUMS.sig -m ../../embedded
	signify-openbsd -C -p "$PUB" -x SHA256SUMS.sig >../../checked
	test_grep "profiling-agent-v1.0.0-linux-$HOST_ARCH.tar.gz: OK" ../../checked
	t=profiling-agent-v1.0.0-linux-$HOST_ARCH.tar.gz
	printf "\\x55" | dd of=$t bs=1 seek=100 conv=notrunc 2>/dev/null
	not sha256sum -c SHA256SUMS >/dev/null 2>&1
	not signify-openbsd -C -p "$PUB" -x SHA256SUMS.sig >/dev/null 2>&1
	expect_exit 1 "$R" verify --pubkey "$PUB" . >/dev/null 2>&1
'

test_expect_success 'release --json prints what was written' '
	fake_project p && cd p
	"$R" release --key "$KEY" --json >../json 2>/dev/null
	test "$(jq -r .signed ../json)" = true
	test "$(jq -r ".files | length" ../json)" = 15
	test "$(jq -r .version ../json)" = "v0.0.0-SNAPSHOT-$(git rev-parse --short=12 HEAD)"
	test "releaser $(jq -r .releaser_version ../json)" = "$("$R" --version)"
	jq -r ".files[] | \"\(.sha256)  \(.name)\"" ../json >../sums
	cd dist && sha256sum -c ../../sums >/dev/null
'
test_done
