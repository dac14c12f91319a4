#!/bin/bash
# The Debian packages of a release: what dpkg-deb reads in them, what
# lintian says, an install into a scratch root, the version mapping, and
# byte-identical packages from two builds. The fake project builds real
# ELF files here (FAKE_ELF=1): a static agent printing its version and
# commit, and a shared library with SONAME libanalyzer.so.1.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/lib-release.sh"

export FAKE_ELF=1
OTHER_ARCH=$([ "$HOST_ARCH" = amd64 ] && echo arm64 || echo amd64)

# a fake project with [deb] settings, tagged TAG (on main) and released unsigned into ../out
# (v1.1.0: made once, each case gets a copy through fixture)
deb_project() {
	fake_project p
	cd p
	printf '[deb]\n\tmaintainer = Fake Maintainers <fake@example.org>\n' >releaser.conf
	printf '\thomepage = https://example.org/profiling-agent\n\tdepends = libc6 (>= 2.36)\n' >>releaser.conf
	git add releaser.conf
	git commit -q -m "deb settings"
	git tag -a "$1" -m "$1"
	"$R" release --no-sign --out ../out >../out.log 2>&1
	cd ..
}

test_expect_success 'dpkg-deb reads the package: ar members in order, control fields, contents' '
	fixture deb-v1.1.0 deb_project v1.1.0
	deb=out/profiling-agent_1.1.0_amd64.deb
	test -f $deb
	test -f out/profiling-agent_1.1.0_arm64.deb
	ar t $deb >members
	printf "debian-binary\ncontrol.tar.gz\ndata.tar.gz\n" >expect
	test_cmp expect members
	test "$(ar p $deb debian-binary)" = 2.0
	dpkg-deb --info $deb >info
	cat info
	test "$(dpkg-deb --field $deb Package)" = profiling-agent
	test "$(dpkg-deb --field $deb Version)" = 1.1.0
	test "$(dpkg-deb --field $deb Architecture)" = amd64
	test "$(dpkg-deb --field $deb Maintainer)" = "Fake Maintainers <fake@example.org>"
	test "$(dpkg-deb --field $deb Homepage)" = https://example.org/profiling-agent
	test "$(dpkg-deb --field $deb Depends)" = "libc6 (>= 2.36)"
	test "$(dpkg-deb --field $deb Section)" = devel
	test "$(dpkg-deb --field $deb Priority)" = optional
	test -n "$(dpkg-deb --field $deb Installed-Size)"
	test_grep "^ Description: sampling CPU profiler" info
	dpkg-deb --ctrl-tarfile $deb | tar -t | sort >control
	printf "%s\n" ./ ./conffiles ./control ./md5sums ./postinst ./postrm ./prerm ./shlibs ./triggers >expect
	test_cmp expect control
	dpkg-deb --contents $deb >contents
	cat contents
	awk "{ print \$1, \$2, \$6 }" contents | grep -v "/$" >files
	cat >expect <<-EOF
	-rw-r--r-- root/root ./etc/default/profiling-agent
	-rw-r--r-- root/root ./lib/systemd/system/profiling-agent.service
	-rwxr-xr-x root/root ./usr/bin/profiling-agent
	-rw-r--r-- root/root ./usr/include/analyzer.h
	-rw-r--r-- root/root ./usr/include/analyzer/frametypes.h
	-rw-r--r-- root/root ./usr/lib/x86_64-linux-gnu/libanalyzer.a
	lrwxrwxrwx root/root ./usr/lib/x86_64-linux-gnu/libanalyzer.so
	-rw-r--r-- root/root ./usr/lib/x86_64-linux-gnu/libanalyzer.so.1
	-rw-r--r-- root/root ./usr/lib/x86_64-linux-gnu/pkgconfig/analyzer.pc
	-rw-r--r-- root/root ./usr/share/analyzer/frametypes.json
	-rw-r--r-- root/root ./usr/share/doc/profiling-agent/changelog.gz
	-rw-r--r-- root/root ./usr/share/doc/profiling-agent/copyright
	-rw-r--r-- root/root ./usr/share/lintian/overrides/profiling-agent
	-rw-r--r-- root/root ./usr/share/man/man1/profiling-agent.1.gz
	EOF
	test_cmp expect files
	# every mtime is the release epoch (the commit time)
	test "$(awk "{ print \$4, \$5 }" contents | sort -u)" = "2024-01-02 03:04"
	dpkg-deb --contents out/profiling-agent_1.1.0_arm64.deb >arm64
	test_grep "./usr/lib/aarch64-linux-gnu/libanalyzer.so.1$" arm64
'

test_expect_success 'the package lists the files md5sums covers, and the copyright file is DEP-5 with the license' '
	fixture deb-v1.1.0 deb_project v1.1.0
	mkdir x && dpkg-deb -x out/profiling-agent_1.1.0_amd64.deb x
	dpkg-deb -e out/profiling-agent_1.1.0_amd64.deb ctl
	(cd x && md5sum -c ../ctl/md5sums) >checked
	# every file but the conffile, whose sum dpkg keeps itself
	test_line_count checked 12
	test "$(cat ctl/conffiles)" = /etc/default/profiling-agent
	not grep -q "etc/default" ctl/md5sums
	test_grep "^Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/" x/usr/share/doc/profiling-agent/copyright
	test_grep "^Copyright: 2024 the profiling-agent authors$" x/usr/share/doc/profiling-agent/copyright
	test_grep "^License: BSD-2-Clause$" x/usr/share/doc/profiling-agent/copyright
	test_grep "^ Fake license$" x/usr/share/doc/profiling-agent/copyright
	test_grep "^profiling-agent: statically-linked-binary" x/usr/share/lintian/overrides/profiling-agent
	test "$(cat ctl/shlibs)" = "libanalyzer 1 profiling-agent (>= 1.1.0)"
	test "$(readlink x/usr/lib/x86_64-linux-gnu/libanalyzer.so)" = libanalyzer.so.1
	readelf -d x/usr/lib/x86_64-linux-gnu/libanalyzer.so.1 | grep -q "SONAME.*libanalyzer.so.1"
	zcat x/usr/share/doc/profiling-agent/changelog.gz >changelog
	cat changelog
	test_grep "^profiling-agent (1.1.0) unstable; urgency=medium" changelog
	test_grep "^ -- Fake Maintainers <fake@example.org>  Tue, 02 Jan 2024 03:04:05 +0000$" changelog
	PKG_CONFIG_PATH= PKG_CONFIG_LIBDIR=x/usr/lib/x86_64-linux-gnu/pkgconfig pkg-config --modversion analyzer >pcversion
	test "$(cat pcversion)" = 1.1.0
'

test_expect_success 'lintian --pedantic finds no error and no warning in either package; each override says why' '
	fixture deb-v1.1.0 deb_project v1.1.0
	for arch in amd64 $OTHER_ARCH; do
		lintian --no-cfg --allow-root --pedantic -EvI --show-overrides \
			out/profiling-agent_1.1.0_$arch.deb >lintian.$arch 2>&1 || :
		cat lintian.$arch
		test_grep "^O: profiling-agent: statically-linked-binary" lintian.$arch || return 1
		test_grep "^O: profiling-agent: package-name-doesnt-match-sonames" lintian.$arch || return 1
		not grep -q "^[EW]:" lintian.$arch || return 1
		# the tags the package used to get are gone or overridden with a reason
		not grep -q "^[EWI]: .*\(copyright-without-copyright-notice\|no-manual-page\)" lintian.$arch || return 1
	done
	dpkg-deb --fsys-tarfile out/profiling-agent_1.1.0_amd64.deb | tar -xO ./usr/share/lintian/overrides/profiling-agent >overrides
	# a comment before each group of overrides
	awk "/^#/ { c = 1; next } c == 0 { print \"no reason: \" \$0; bad = 1 } /^\$/ { c = 0 } END { exit bad }" overrides
'

test_expect_success 'installed into a scratch root, the agent runs and names the release' '
	fixture deb-v1.1.0 deb_project v1.1.0
	mkdir root
	dpkg --root="$PWD/root" --force-not-root --force-depends --force-script-chrootless \
		--log=/dev/null -i out/profiling-agent_1.1.0_amd64.deb >install.log 2>&1 || { cat install.log; false; }
	cat install.log
	dpkg --root="$PWD/root" -s profiling-agent >status
	test_grep "^Status: install ok installed" status
	test_grep "^Version: 1.1.0$" status
	test -L root/usr/lib/x86_64-linux-gnu/libanalyzer.so
	root/usr/bin/profiling-agent --version >version
	test "$(cat version)" = "profiling-agent v1.1.0 $(git -C p rev-parse HEAD)"
'

test_expect_success 'versions: a pre-release and a snapshot sort before the release, debug is its own package' '
	deb_project v1.1.0-rc.1
	# the file name has no '~', which GitHub renames; the version inside keeps it
	test -f out/profiling-agent_1.1.0-rc.1_amd64.deb
	test "$(dpkg-deb --field out/profiling-agent_1.1.0-rc.1_amd64.deb Version)" = 1.1.0~rc.1
	test "$(ls out | grep -c "~")" = 0
	dpkg --compare-versions 1.1.0~rc.1 lt 1.1.0
	cd p
	commit_change snapshot
	"$R" release --no-sign --arch amd64 --out ../snap >/dev/null 2>&1
	sha=$(git rev-parse --short=12 HEAD)
	# a snapshot after a pre-release sorts after it, before the next one and the release
	deb=../snap/profiling-agent_1.1.0-rc.1.SNAPSHOT.${sha}_amd64.deb
	test "$(dpkg-deb --field $deb Version)" = 1.1.0~rc.1.SNAPSHOT.$sha
	dpkg --compare-versions 1.1.0~rc.1.SNAPSHOT.$sha gt 1.1.0~rc.1
	dpkg --compare-versions 1.1.0~rc.1.SNAPSHOT.$sha lt 1.1.0~rc.2
	dpkg --compare-versions 1.1.0~rc.1.SNAPSHOT.$sha lt 1.1.0
	git checkout -q -b debug
	"$R" release --no-sign --arch amd64 --out ../dbg >/dev/null 2>&1
	deb=$(ls ../dbg/*.deb)
	echo "$deb"
	test "$(dpkg-deb --field $deb Package)" = profiling-agent-debug
	test "$(dpkg-deb --field $deb Conflicts)" = profiling-agent
	test "$(dpkg-deb --field $deb Replaces)" = profiling-agent
	dpkg-deb --contents $deb >contents
	test_grep "./usr/share/lintian/overrides/profiling-agent-debug$" contents
'

# the analyzer.pc of the tarball and of the package of out's release for the host, extracted into tgz/ and deb/
extract_pcs() {
	tar -xzf out/profiling-agent-$1-linux-$HOST_ARCH.tar.gz --wildcards "*/analyzer.pc"
	mv profiling-agent-$1-linux-$HOST_ARCH tgz
	dpkg-deb -x out/$2 deb
}

test_expect_success 'one analyzer.pc: the package holds the tarball'"'"'s, for /usr, with its version (debug, snapshot)' '
	deb_project v1.0.1
	cd p
	git checkout -q -b debug
	commit_change debug
	git tag -a v1.0.1-debug -m v1.0.1-debug
	rm -rf ../out && "$R" release --no-sign --arch $HOST_ARCH --out ../out >/dev/null 2>&1
	cd ..
	extract_pcs v1.0.1-debug profiling-agent-debug_1.0.1_$HOST_ARCH.deb
	pc=$(ls deb/usr/lib/*/pkgconfig/analyzer.pc)
	test_grep "^Version: 1.0.1+debug$" tgz/lib/pkgconfig/analyzer.pc
	grep -v "^\(prefix\|libdir\)=" tgz/lib/pkgconfig/analyzer.pc >tarball.pc
	grep -v "^\(prefix\|libdir\)=" $pc >deb.pc
	test_cmp tarball.pc deb.pc
	test "$(PKG_CONFIG_PATH= PKG_CONFIG_LIBDIR=${pc%/*} pkg-config --modversion analyzer)" = 1.0.1+debug
	test "$(PKG_CONFIG_PATH= PKG_CONFIG_LIBDIR=${pc%/*} pkg-config --variable=prefix analyzer)" = /usr
	rm -rf tgz deb
	cd p
	git checkout -q main
	commit_change snapshot
	sha=$(git rev-parse --short=12 HEAD)
	rm -rf ../out && "$R" release --no-sign --arch $HOST_ARCH --out ../out >/dev/null 2>&1
	cd ..
	extract_pcs v1.0.2-SNAPSHOT-$sha profiling-agent_1.0.2-SNAPSHOT.${sha}_$HOST_ARCH.deb
	# the version pkg-config reads, not the Debian version (1.0.2~SNAPSHOT.<sha>)
	test_grep "^Version: 1.0.2~SNAPSHOT-$sha$" tgz/lib/pkgconfig/analyzer.pc
	grep -v "^\(prefix\|libdir\)=" tgz/lib/pkgconfig/analyzer.pc >tarball.pc
	grep -v "^\(prefix\|libdir\)=" deb/usr/lib/*/pkgconfig/analyzer.pc >deb.pc
	test_cmp tarball.pc deb.pc
'

test_expect_success 'two builds give byte-identical packages; --check-reproducible compares them' '
	fixture deb-v1.1.0 deb_project v1.1.0
	git clone -q p q && git -C q checkout -q v1.1.0
	RELEASER_BRANCH=main "$R" -C q release --no-sign --out ../out2 >/dev/null 2>&1
	for f in out/*.deb; do cmp "$f" out2/$(basename "$f"); done
	cd p
	"$R" release --no-sign --check-reproducible --arch amd64 --out ../out3 >/dev/null 2>../err
	test_grep "reproducible: 1 tarball and 2 packages byte-identical across two builds" ../err
	cmp ../out/profiling-agent_1.1.0_amd64.deb ../out3/profiling-agent_1.1.0_amd64.deb
'

test_expect_success 'finalize refuses a package that does not match its manifest' '
	fixture deb-v1.1.0 deb_project v1.1.0
	printf "\\x00" | dd of=out/profiling-agent_1.1.0_arm64.deb bs=1 seek=200 conv=notrunc 2>/dev/null
	"$R" keygen --out key >/dev/null 2>&1
	expect_exit 1 "$R" finalize --out out --key key.key 2>err
	one_line err
	test_grep "profiling-agent_1.1.0_arm64.deb. does not match manifest-arm64.json" err
	test ! -e out/SHA256SUMS
'
test_expect_success 'every relationship form deb.depends takes, and a UTF-8 maintainer, make a control file dpkg parses' '
	fake_project p && cd p
	printf "[deb]\n\tmaintainer = Zoë Fäké <zoe@example.org>\n" >releaser.conf
	printf "\tdepends = libc6 (>= 2.36), libelf1 | libelf1t64:any (>> 0.187~), zlib1g:amd64 (<< 1:2.0-1~x),bzip2(=1.0)\n" >>releaser.conf
	git add releaser.conf && git commit -q -m settings
	git tag -a v1.2.0-rc.1 -m v1.2.0-rc.1
	"$R" release --no-sign --arch amd64 --out ../out >../out.log 2>&1 || { cat ../out.log; false; }
	cd ..
	deb=out/profiling-agent_1.2.0-rc.1_amd64.deb
	# dpkg reads every relation (and writes them back in its own spacing)
	test "$(dpkg-deb --field $deb Depends)" = "libc6 (>= 2.36), libelf1 | libelf1t64:any (>> 0.187~), zlib1g:amd64 (<< 1:2.0-1~x), bzip2 (= 1.0)"
	test "$(dpkg-deb --field $deb Maintainer)" = "Zoë Fäké <zoe@example.org>"
	dpkg-deb --info $deb >info
	# dpkg-deb --build parses the control file as dpkg does: rebuilding the
	# package from what it unpacks warns about nothing
	dpkg-deb -R $deb tree
	dpkg-deb --root-owner-group --build tree again.deb >build.log 2>&1
	cat build.log
	test_grep -v "warning" build.log
	dpkg-deb --field again.deb Depends >depends
	test "$(cat depends)" = "$(dpkg-deb --field $deb Depends)"
	# one paragraph: no empty line, no control character but the newlines
	dpkg-deb --ctrl-tarfile $deb | tar -xO ./control >control
	test_grep -v "^$" control
	not grep -q "[[:cntrl:]]" control
	test_grep "^ \.$" control
	test_grep "^Depends: libc6 (>= 2.36), libelf1 | libelf1t64:any (>> 0.187~), zlib1g:amd64 (<< 1:2.0-1~x),bzip2(=1.0)$" control
'

test_expect_success 'a bad deb.depends or deb.maintainer is refused before building: nothing in the output directory' '
	fake_project p && cd p
	printf "[deb]\n\tdepends = \${shlibs:Depends}\n" >releaser.conf
	git add releaser.conf && git commit -q -m settings
	git tag -a v1.1.0 -m v1.1.0
	mkdir ../out
	expect_exit 2 "$R" release --no-sign --out ../out 2>../err
	one_line ../err
	test_grep "deb.depends .\${shlibs:Depends}. is not a Debian relationship list" ../err
	test ! -e build
	test -z "$(ls -A ../out)"
	printf "[deb]\n\tmaintainer = \"Fake\\\\bMaintainers <fake@example.org>\"\n" >releaser.conf
	git commit -q -am maintainer
	git tag -f -a v1.1.0 -m v1.1.0 >/dev/null
	expect_exit 2 "$R" release --no-sign --out ../out 2>../err
	one_line ../err
	test_grep "deb.maintainer .Fake.x08Maintainers <fake@example.org>. must be one line .NAME <EMAIL>.: it holds a control character" ../err
	test ! -e build
	test -z "$(ls -A ../out)"
'
test_done
