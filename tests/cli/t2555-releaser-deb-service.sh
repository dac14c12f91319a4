#!/bin/bash
# The Debian package as a service: profiling-agent.service and its
# conffile /etc/default/profiling-agent, installed by dpkg into a scratch
# root with the package's own maintainer scripts (run chrootless, with
# DPKG_ROOT: deb-systemd-helper and systemctl --root act on the scratch
# root only). The unit is installed disabled, systemd-analyze verify
# accepts it, systemctl enables it, an upgrade keeps that and a purge
# undoes it. Also the manual pages help2man makes from the real programs.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/lib-release.sh"

export FAKE_ELF=1
UNIT=lib/systemd/system/profiling-agent.service
WANTS=etc/systemd/system/multi-user.target.wants/profiling-agent.service

# a fake project with [deb] settings, tagged v1.1.0 and released unsigned for the host into ../out
deb_project() {
	fake_project p
	cd p
	printf '[deb]\n\tmaintainer = Fake Maintainers <fake@example.org>\n' >releaser.conf
	git add releaser.conf
	git commit -q -m "deb settings"
	git tag -a v1.1.0 -m v1.1.0
	"$R" release --no-sign --arch "$HOST_ARCH" --out ../out >../out.log 2>&1 || { cat ../out.log; return 1; }
	cd ..
	DEB=$PWD/out/profiling-agent_1.1.0_$HOST_ARCH.deb
}

# dpkg ARGS... on the scratch root ./root, maintainer scripts included
root_dpkg() {
	dpkg --root="$PWD/root" --force-not-root --force-depends --force-script-chrootless --log=/dev/null "$@"
}

test_expect_success 'installed into a scratch root: the unit and the conffile are there, the unit is disabled' '
	deb_project
	mkdir root
	root_dpkg -i "$DEB" >install.log 2>&1 || { cat install.log; false; }
	cat install.log
	test -f root/$UNIT
	test -f root/etc/default/profiling-agent
	dpkg-query --root="$PWD/root" -W -f="\${Conffiles}\n" profiling-agent >conffiles
	cat conffiles
	# dpkg registered the conffile with the sum of what it installed
	test "$(awk "NF { print \$1, \$2 }" conffiles)" = \
		"/etc/default/profiling-agent $(md5sum <root/etc/default/profiling-agent | cut -d" " -f1)"
	# the postinst registered the unit with deb-systemd-helper, enabled nothing
	test -f root/var/lib/systemd/deb-systemd-helper-enabled/profiling-agent.service.dsh-also
	test ! -e root/$WANTS
	test "$(systemctl --root="$PWD/root" is-enabled profiling-agent.service)" = disabled
	# nothing of it outside the scratch root
	test ! -e /$WANTS
'

test_expect_success 'systemd-analyze verify accepts the unit; it names what it runs, its capabilities and its state directory' '
	deb_project
	mkdir root
	root_dpkg -i "$DEB" >install.log 2>&1 || { cat install.log; false; }
	# the root needs the targets the unit refers to: the host systemd'"'"'s own units
	cp -Rn /lib/systemd/system/. root/lib/systemd/system/
	systemd-analyze verify --man=no --root="$PWD/root" profiling-agent.service >verify.log 2>&1 || { cat verify.log; false; }
	cat verify.log
	test_grep -v . verify.log
	# the check is real: without the program it runs, the same unit is refused
	mv root/usr/bin/profiling-agent agent
	not systemd-analyze verify --man=no --root="$PWD/root" profiling-agent.service 2>err
	test_grep "/usr/bin/profiling-agent is not executable" err
	mv agent root/usr/bin/profiling-agent
	u=root/$UNIT
	# continuous mode: a pprof window a minute into the state directory,
	# OTLP only from the conffile
	test_grep "^ExecStart=/usr/bin/profiling-agent --output-dir /var/lib/profiling-agent/profiles --interval 60 --keep 1440 --format pprof \$PROFILING_AGENT_OPTS \$PROFILING_AGENT_OTLP$" $u
	not grep -q -- "^ExecStart=.*--duration" $u
	not grep -q -- "^ExecStart=.*--output " $u
	# systemd creates the output directory (the agent refuses a missing one)
	test_grep "^StateDirectory=profiling-agent profiling-agent/profiles$" $u
	# the real agent knows every option the unit passes
	"$BUILD/bin/profiling-agent" --help >help
	for opt in $(sed -n "s/^ExecStart=//p" $u | tr " " "\n" | grep "^--"); do
		test_grep "^ *\(-[a-z], \)\{0,1\}$opt " help || return 1
	done
	# OTLP is off unless the administrator sets it; the network it needs is allowed
	test_grep "^PROFILING_AGENT_OTLP=\"\"$" root/etc/default/profiling-agent
	not grep -q "^PrivateNetwork=yes" $u
	test_grep "^RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6$" $u
	test_grep "^CapabilityBoundingSet=CAP_BPF CAP_PERFMON CAP_SYSLOG$" $u
	test_grep "^ProtectSystem=strict$" $u
	test_grep "^NoNewPrivileges=yes$" $u
	test_grep "^EnvironmentFile=-/etc/default/profiling-agent$" $u
	test_grep "^PROFILING_AGENT_OPTS=" root/etc/default/profiling-agent
	# no ENABLED= switch: systemd alone says whether it runs (lintian init.d-script-should-always-start-service)
	not grep -q "ENABLED\|START=\|RUN=" root/etc/default/profiling-agent
'

test_expect_success 'systemctl enables it; an upgrade keeps it enabled and records it; a purge removes it and the conffile' '
	deb_project
	mkdir root
	root_dpkg -i "$DEB" >install.log 2>&1 || { cat install.log; false; }
	systemctl --root="$PWD/root" enable profiling-agent.service
	test "$(systemctl --root="$PWD/root" is-enabled profiling-agent.service)" = enabled
	test -L root/$WANTS
	# the same package again: the postinst of an upgrade ($2 set) sees the
	# unit enabled and records its symlink for the purge
	root_dpkg -i "$DEB" >upgrade.log 2>&1 || { cat upgrade.log; false; }
	test -L root/$WANTS
	test_grep "^/$WANTS$" root/var/lib/systemd/deb-systemd-helper-enabled/profiling-agent.service.dsh-also
	# remove: the unit goes, the conffile stays (and the unit is masked)
	root_dpkg -r profiling-agent >remove.log 2>&1 || { cat remove.log; false; }
	test ! -e root/$UNIT
	test -f root/etc/default/profiling-agent
	test "$(readlink root/etc/systemd/system/profiling-agent.service)" = /dev/null
	# purge: the conffile, the symlink and the mask go
	root_dpkg --purge profiling-agent >purge.log 2>&1 || { cat purge.log; false; }
	test ! -e root/etc/default/profiling-agent
	test ! -e root/$WANTS
	test ! -L root/$WANTS
	test ! -L root/etc/systemd/system/profiling-agent.service
'

test_expect_success 'a changed conffile survives an upgrade' '
	deb_project
	mkdir root
	root_dpkg -i "$DEB" >install.log 2>&1 || { cat install.log; false; }
	echo "PROFILING_AGENT_OPTS=\"--frequency 99\"" >>root/etc/default/profiling-agent
	cp root/etc/default/profiling-agent expect
	root_dpkg --force-confold -i "$DEB" >upgrade.log 2>&1 || { cat upgrade.log; false; }
	test_cmp expect root/etc/default/profiling-agent
'

test_expect_success 'the manual pages help2man made from the real programs render without warnings' '
	for m in profiling-agent releaser; do
		page=$BUILD/man/$m.1.gz
		test -f $page || return 1
		# gzip -9n: no file name, no time in the header (bytes 4-7 zero)
		test "$(od -An -tx1 -j3 -N5 $page | tr -d " ")" = 0000000000 || return 1
		MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 $page 2>$m.err >$m.out || return 1
		col -bx <$m.out >$m.txt || return 1
		test_grep -v . $m.err || return 1
		test_grep "^NAME" $m.txt || return 1
	done
	test_grep "profiling-agent - sampling CPU profiler with an eBPF analyzer" profiling-agent.txt
	test_grep "frequency HZ" profiling-agent.txt
	test_grep "releaser - cut, package, sign and verify profiling-agent releases" releaser.txt
	test_grep "finalize" releaser.txt
	# the whatis entry lintian and mandb read
	zcat $BUILD/man/profiling-agent.1.gz | sed -n "/^\.SH NAME/{n;p}" >name
	test "$(cat name)" = "profiling-agent \\- sampling CPU profiler with an eBPF analyzer"
'
test_done
