#!/bin/bash
# The RPM packages of a release, built by the real rpmbuild from the spec
# the releaser writes: what rpm reads in them for both arches, rpmlint
# (no error, with the filters support/packaging/rpm/ gives reasons for),
# an install into a scratch rpm database and root, the agent run from
# there (the arm64 one under qemu-user), the version mapping, the
# checksums and manifest that list them, and byte-identical packages from
# two builds. The fake project builds real ELF files (FAKE_ELF=1).
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/lib-release.sh"

export FAKE_ELF=1
RPMLINTRC=$ROOT/support/packaging/rpm/profiling-agent.rpmlintrc

# a fake project with [deb] settings, tagged TAG (on main) and released unsigned into ../out
# (v1.1.0: made once, each case gets a copy through fixture)
rpm_project() {
	fake_project p
	cd p
	printf '[deb]\n\tmaintainer = Fake Maintainers <fake@example.org>\n' >releaser.conf
	printf '\thomepage = https://example.org/profiling-agent\n' >>releaser.conf
	git add releaser.conf
	git commit -q -m "package settings"
	git tag -a "$1" -m "$1"
	"$R" release --no-sign --out ../out >../out.log 2>&1 || { cat ../out.log; return 1; }
	cd ..
}

test_expect_success 'rpm reads both packages: name, version, arch, reproducible header fields, files, scripts' '
	fixture rpm-v1.1.0 rpm_project v1.1.0
	for a in x86_64 aarch64; do
		f=out/profiling-agent-1.1.0-1.$a.rpm
		rpm -qp --qf "%{NAME} %{VERSION} %{RELEASE} %{ARCH} %{BUILDHOST} %{BUILDTIME} %{URL} %{PACKAGER}\n" $f >q.$a || return 1
		test "$(cat q.$a)" = "profiling-agent 1.1.0 1 $a reproducible $FAKE_EPOCH https://example.org/profiling-agent Fake Maintainers <fake@example.org>" || return 1
		# a payload every rpm reads (RHEL 7 has no zstd), at the cost of the tarball
		test "$(rpm -qp --qf "%{PAYLOADCOMPRESSOR} %{PAYLOADFLAGS}" $f)" = "gzip 6" || return 1
		rpm -qip $f >info.$a || return 1
		test_grep "^License *: BSD-2-Clause AND (GPL-2.0-only OR BSD-2-Clause)" info.$a || return 1
		rpm -qp --qf "[%{FILEMODES:perms} %{FILEUSERNAME} %{FILEMTIMES} %{FILENAMES}\n]" $f >files.$a || return 1
		# every file root-owned, with the release epoch as mtime
		test "$(awk "{ print \$2, \$3 }" files.$a | sort -u)" = "root $FAKE_EPOCH" || return 1
	done
	awk "{ print \$1, \$4 }" files.x86_64 >files
	cat >expect <<-EOF
	-rw-r--r-- /etc/sysconfig/profiling-agent
	-rwxr-xr-x /usr/bin/profiling-agent
	drwxr-xr-x /usr/include/analyzer
	-rw-r--r-- /usr/include/analyzer.h
	-rw-r--r-- /usr/include/analyzer/frametypes.h
	-rw-r--r-- /usr/lib/systemd/system/profiling-agent.service
	-rw-r--r-- /usr/lib64/libanalyzer.a
	lrwxrwxrwx /usr/lib64/libanalyzer.so
	-rwxr-xr-x /usr/lib64/libanalyzer.so.1
	-rw-r--r-- /usr/lib64/pkgconfig/analyzer.pc
	drwxr-xr-x /usr/share/analyzer
	-rw-r--r-- /usr/share/analyzer/frametypes.json
	-rw-r--r-- /usr/share/licenses/profiling-agent/LICENSE
	-rw-r--r-- /usr/share/man/man1/profiling-agent.1.gz
	EOF
	test_cmp expect files
	test "$(rpm -qpc out/profiling-agent-1.1.0-1.x86_64.rpm)" = /etc/sysconfig/profiling-agent
	rpm -qp --provides out/profiling-agent-1.1.0-1.x86_64.rpm >provides
	test_grep "^libanalyzer.so.1()(64bit)$" provides
	rpm -qp --scripts out/profiling-agent-1.1.0-1.x86_64.rpm >scripts
	test_grep "systemctl --no-reload preset profiling-agent.service" scripts
	test_grep "systemctl --no-reload disable --now profiling-agent.service" scripts
	rpm -qp --changelog out/profiling-agent-1.1.0-1.x86_64.rpm >changelog
	test_grep "^- Release v1.1.0 (release channel), commit $(git -C p rev-parse --short=12 HEAD)\.$" changelog
'

test_expect_success 'rpmlint finds no error in either package; each filter has its reason' '
	fixture rpm-v1.1.0 rpm_project v1.1.0
	for a in x86_64 aarch64; do
		rpmlint -r "$RPMLINTRC" out/profiling-agent-1.1.0-1.$a.rpm >lint.$a 2>&1 || :
		cat lint.$a
		# but one: the fake project builds libanalyzer.a without -g (the
		# real one has its debug info: CFLAGS -O2 -g)
		grep ": E: " lint.$a | not grep -v ": E: static-library-without-debuginfo /usr/lib64/libanalyzer.a$" ||
			return 1
	done
	# without the filters rpmlint does report what they hide: the check is real
	rpmlint out/profiling-agent-1.1.0-1.x86_64.rpm >raw 2>&1 || :
	test_grep ": E: statically-linked-binary" raw
	# every addFilter follows a comment (its reason) or another addFilter
	awk "/^addFilter/ && prev !~ /^(#|addFilter)/ { print \"no reason: \" \$0; bad = 1 } { prev = \$0 } END { exit bad }" "$RPMLINTRC"
'

test_expect_success 'installed into a scratch root with rpm --root, the agent runs; the same for arm64 under qemu' '
	fixture rpm-v1.1.0 rpm_project v1.1.0
	for a in x86_64 aarch64; do
		mkdir root.$a
		rpm --root "$PWD/root.$a" --initdb || return 1
		# the scratch root has no /bin/sh for the scriptlets: rpm warns, installs
		rpm --root "$PWD/root.$a" -i --nodeps --ignorearch out/profiling-agent-1.1.0-1.$a.rpm >install.$a 2>&1 ||
			{ cat install.$a; return 1; }
		test "$(rpm --root "$PWD/root.$a" -q profiling-agent)" = profiling-agent-1.1.0-1.$a || return 1
		# every file as the package says (the libraries it needs are not in the scratch root)
		rpm --root "$PWD/root.$a" -V --nodeps profiling-agent || return 1
	done
	root.x86_64/usr/bin/profiling-agent --version >version.amd64 2>&1 ||
		qemu-x86_64-static root.x86_64/usr/bin/profiling-agent --version >version.amd64
	root.aarch64/usr/bin/profiling-agent --version >version.arm64 2>&1 ||
		qemu-aarch64-static root.aarch64/usr/bin/profiling-agent --version >version.arm64
	commit=$(git -C p rev-parse HEAD)
	test "$(cat version.amd64)" = "profiling-agent v1.1.0 $commit"
	test "$(cat version.arm64)" = "profiling-agent v1.1.0 $commit"
	file root.aarch64/usr/bin/profiling-agent >file.arm64
	test_grep "ARM aarch64" file.arm64
	# one analyzer.pc: the tarball'"'"'s but for where it lives, same version
	tar -xzf out/profiling-agent-v1.1.0-linux-amd64.tar.gz
	grep -v "^\\(prefix\\|libdir\\)=" profiling-agent-v1.1.0-linux-amd64/lib/pkgconfig/analyzer.pc >tarball.pc
	grep -v "^\\(prefix\\|libdir\\)=" root.x86_64/usr/lib64/pkgconfig/analyzer.pc >rpm.pc
	test_cmp tarball.pc rpm.pc
	test "$(PKG_CONFIG_PATH= PKG_CONFIG_LIBDIR=root.x86_64/usr/lib64/pkgconfig pkg-config --variable=libdir analyzer)" = /usr/lib64
'

test_expect_success 'a pre-release: no ~ in the file name, the version keeps it and sorts before the release' '
	rpm_project v1.1.0-rc.1
	f=out/profiling-agent-1.1.0-rc.1-1.x86_64.rpm
	test -f $f
	test "$(ls out | grep -c "~")" = 0
	test "$(rpm -qp --qf "%{VERSION}" $f)" = "1.1.0~rc.1"
	test "$(rpm --eval "%{lua: print(rpm.vercmp(\"1.1.0~rc.1\", \"1.1.0\"))}")" = -1
'

test_expect_success 'finalize lists the packages in SHA256SUMS and manifest.json (kind rpm); sha256sum -c passes' '
	fixture rpm-v1.1.0 rpm_project v1.1.0
	"$R" keygen --out key >/dev/null 2>&1
	"$R" finalize --out out --key key.key >finalize.log 2>&1 || { cat finalize.log; false; }
	test_grep "  profiling-agent-1.1.0-1.x86_64.rpm$" out/SHA256SUMS
	test_grep "  profiling-agent-1.1.0-1.aarch64.rpm$" out/SHA256SUMS
	(cd out && sha256sum -c SHA256SUMS) >checked
	test_grep "profiling-agent-1.1.0-1.aarch64.rpm: OK" checked
	jq -r ".artifacts[] | select(.kind == \"rpm\") | .name + \" \" + .arch" out/manifest.json | sort >rpms
	printf "%s\n" "profiling-agent-1.1.0-1.aarch64.rpm arm64" "profiling-agent-1.1.0-1.x86_64.rpm amd64" >expect
	test_cmp expect rpms
'

test_expect_success 'two builds of the same commit give byte-identical packages' '
	fixture rpm-v1.1.0 rpm_project v1.1.0
	git clone -q p q && git -C q checkout -q v1.1.0
	RELEASER_BRANCH=main "$R" -C q release --no-sign --out ../out2 >out2.log 2>&1 || { cat out2.log; false; }
	for f in out/*.rpm; do cmp "$f" out2/$(basename "$f") || return 1; done
'

test_expect_success 'a failing rpmbuild fails the release with one message naming its log; nothing in the output directory' '
	fixture rpm-v1.1.0 rpm_project v1.1.0
	mkdir bin
	printf "#!/bin/sh\necho broken >&2\nexit 3\n" >bin/rpmbuild
	chmod +x bin/rpmbuild
	cd p
	mkdir ../out3
	expect_exit 1 env PATH="$TRASH/bin:$PATH" "$R" -q release --no-sign --arch $HOST_ARCH --out ../out3 2>../err
	# make says where it builds; the releaser says one thing
	test "$(grep -c "^releaser:" ../err)" = 1
	test_grep "^releaser: '"'"'rpmbuild'"'"' failed (exit 3): see .*rpmbuild.log" ../err
	test_grep "^broken$" build/rpmbuild.log
	test -z "$(ls -A ../out3)"
'
test_done
