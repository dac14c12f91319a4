# releaser/: the release tool. Included by the top-level Makefile.

RELEASER      := $(BUILD)/bin/releaser
# One folder per layer (see releaser/main.c): cmd/ calls release/, which
# calls git/ and sign/; all of them use lib/. Every file includes the
# others by their path under releaser/ ("git/mirror.h"). Everything but
# main.c also goes into libreleaser.a, which the unit tests link.
RELEASER_SRCS := $(wildcard releaser/*/*.c)
RELEASER_OBJS := $(patsubst releaser/%.c,$(OBJ)/releaser/%.o,$(RELEASER_SRCS))
RELEASER_LIB  := $(BUILD)/lib/libreleaser.a
# libarchive is not linked: release/archive.c loads it on first use
RELEASER_LIBS := $(shell pkg-config --libs libgit2 openssl jansson libelf 2>/dev/null)

$(OBJ)/releaser/%.o: releaser/%.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS_ALL) -Ireleaser $(LIBANALYZER_CPPFLAGS) $(CFLAGS_ALL) -MT $@ -MF $(@:.o=.d).tmp -c $< -o $@.tmp && \
		mv -f $(@:.o=.d).tmp $(@:.o=.d) && mv -f $@.tmp $@

# lib/self.o alone embeds VERSION (releaser --version): the stamp rebuilds it
# when the version changes
RELEASER_VERSION_STAMP := $(BUILD)/stamps/releaser-version
$(eval $(call stamp_rule,$(RELEASER_VERSION_STAMP),$(VERSION)))
$(OBJ)/releaser/lib/self.o: $(RELEASER_VERSION_STAMP)
$(OBJ)/releaser/lib/self.o: CPPFLAGS_ALL += -DRELEASER_VERSION='"$(VERSION)"'

# The bootstrap releaser answers the Makefile's questions (releaser info
# --make-vars, the top-level Makefile) before the version it would embed is
# known: the releaser's objects, with a self.o that names no version. A
# cross build asks one built for the host, in its own make.
RELEASER_BOOT_SELF := $(OBJ)/releaser-boot/self.o
ifneq ($(CROSS),1)
RELEASER_BOOT := $(OBJ)/releaser-boot/releaser
$(RELEASER_BOOT_SELF): releaser/lib/self.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS_ALL) -Ireleaser $(LIBANALYZER_CPPFLAGS) $(CFLAGS_ALL) -DRELEASER_VERSION='"bootstrap"' \
		-MT $@ -MF $(@:.o=.d).tmp -c $< -o $@.tmp && mv -f $(@:.o=.d).tmp $(@:.o=.d) && mv -f $@.tmp $@
$(RELEASER_BOOT): $(OBJ)/releaser/main.o $(filter-out $(OBJ)/releaser/lib/self.o,$(RELEASER_OBJS)) \
		$(OBJ)/libanalyzer/object-info.o $(RELEASER_BOOT_SELF)
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS_ALL) $^ -o $@.tmp $(RELEASER_LIBS) && mv -f $@.tmp $@
else
RELEASER_BOOT := $(BUILD)/host/obj/releaser-boot/releaser
$(RELEASER_BOOT): FORCE
	$(Q)$(MAKE) AGENT_ARCH=$(HOST_ARCH) CC=$(HOSTCC) BUILD=$(BUILD)/host \
		$(foreach v,$(MAKE_VARS),$(v)=bootstrap) $@
endif

# The answer, rewritten only when it changes (concurrent makes each write
# their own temporary file); BRANCH=NAME asks for a snapshot of branch NAME.
# A sanitized bootstrap releaser does not look for leaks: it only answers.
RELEASER_BOOT_ENV := $(if $(filter 1,$(SANITIZE)),ASAN_OPTIONS=detect_leaks=0$${ASAN_OPTIONS:+:$$ASAN_OPTIONS})
$(RELEASER_VARS): $(RELEASER_BOOT) FORCE
	$(Q)mkdir -p $(@D) && $(RELEASER_BOOT_ENV) $(RELEASER_BOOT) -q -C $(ROOT) info --make-vars \
		$(if $(BRANCH),--snapshot --branch '$(subst ','\'',$(BRANCH))') >$@.$$$$.tmp && \
	{ cmp -s $@.$$$$.tmp $@ && rm -f $@.$$$$.tmp || mv -f $@.$$$$.tmp $@; } || \
	{ rm -f $@.$$$$.tmp; echo "make: the releaser could not say what to build (see above); or give $(MAKE_VARS)" >&2; exit 2; }

$(RELEASER_LIB): $(RELEASER_OBJS) $(OBJ)/libanalyzer/object-info.o | $(BUILD)/lib
	$(call msg,AR,$@)
	$(Q)rm -f $@.tmp && $(AR) rcs $@.tmp $^ && mv -f $@.tmp $@

$(RELEASER): $(OBJ)/releaser/main.o $(RELEASER_LIB) | $(BUILD)/bin
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS_ALL) $^ -o $@.tmp $(RELEASER_LIBS) && mv -f $@.tmp $@

ifneq ($(CROSS),1)
all: $(RELEASER)
endif

# The Debian packages take stripped copies of the agent and the shared
# library, as dh_strip makes them (lintian's unstripped-binary-or-object);
# the tarballs keep the symbols. binutils strip of the agent's arch.
DEB_STRIP          ?= $(TRIPLET_$(AGENT_ARCH))-strip
DEB_AGENT          := $(BUILD)/deb/profiling-agent
DEB_LIBANALYZER_SO := $(BUILD)/deb/libanalyzer.so

$(DEB_AGENT): $(AGENT_BIN)
	$(call msg,STRIP,$@)
	$(Q)mkdir -p $(@D) && $(DEB_STRIP) --strip-all -o $@.tmp $< && mv -f $@.tmp $@

$(DEB_LIBANALYZER_SO): $(LIBANALYZER_SO)
	$(call msg,STRIP,$@)
	$(Q)mkdir -p $(@D) && $(DEB_STRIP) --strip-unneeded -o $@.tmp $< && mv -f $@.tmp $@

# The packages' analyzer.pc: the one agent/build.mk writes (one template,
# PC_VERSION), with only the two lines that say where it lives rewritten
# for the system's /usr: Debian's multiarch libdir, RPM's lib64.
DEB_PC := $(BUILD)/deb/analyzer.pc
RPM_PC := $(BUILD)/rpm/analyzer.pc

$(DEB_PC): $(ANALYZER_PC)
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(@D) && sed -e 's|^prefix=.*|prefix=/usr|' \
		-e 's|^libdir=.*|libdir=$${exec_prefix}/lib/$(TRIPLET_$(AGENT_ARCH))|' $< >$@.tmp && mv -f $@.tmp $@

$(RPM_PC): $(ANALYZER_PC)
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(@D) && sed -e 's|^prefix=.*|prefix=/usr|' \
		-e 's|^libdir=.*|libdir=$${exec_prefix}/lib64|' $< >$@.tmp && mv -f $@.tmp $@

# The manual pages, from each program's --help (help2man), gzip -9n as
# the packages ship them: profiling-agent(1) for the packages (made by
# `make` too, and for a release), releaser(1) beside the releaser (the
# host's only: no package ships the releaser). The date in them is
# SOURCE_DATE_EPOCH's (the releaser sets it: the release's commit time). A
# cross-built agent runs under qemu-user (ci/install-deps.sh --cross).
MAN_AGENT    := $(BUILD)/man/profiling-agent.1.gz
MAN_RELEASER := $(BUILD)/man/releaser.1.gz
QEMU_amd64   := qemu-x86_64-static
QEMU_arm64   := qemu-aarch64-static
HELP2MAN      = help2man --no-info --version-string='$(VERSION)'

$(MAN_AGENT): $(AGENT_BIN) $(VERSION_STAMP)
	$(call msg,MAN,$@)
	$(Q)mkdir -p $(@D) && $(HELP2MAN) --name='sampling CPU profiler with an eBPF analyzer' \
		--output=$@.1.tmp '$(if $(CROSS),$(QEMU_$(AGENT_ARCH)) )$(AGENT_BIN)' && \
		gzip -9n <$@.1.tmp >$@.tmp && rm -f $@.1.tmp && mv -f $@.tmp $@

$(MAN_RELEASER): $(RELEASER) $(RELEASER_VERSION_STAMP)
	$(call msg,MAN,$@)
	$(Q)mkdir -p $(@D) && $(HELP2MAN) --name='cut, package, sign and verify profiling-agent releases' \
		--output=$@.1.tmp '$(RELEASER)' && \
		gzip -9n <$@.1.tmp >$@.tmp && rm -f $@.1.tmp && mv -f $@.tmp $@

ifneq ($(CROSS),1)
all: $(MAN_AGENT) $(MAN_RELEASER)
endif

# What a release ships, and only that: the goal `releaser build` makes
# (AGENT_BIN and ANALYZER_PC come from agent/build.mk).
.PHONY: release-outputs
release-outputs: $(EBPF_OBJECTS) $(LIBANALYZER_A) $(LIBANALYZER_SO) $(LIBANALYZER_MAP) $(AGENT_BIN) $(AGENT_MAP) $(ANALYZER_PC) \
	$(DEB_AGENT) $(DEB_LIBANALYZER_SO) $(DEB_PC) $(RPM_PC) $(MAN_AGENT)

# `make release` (the top-level target installs the dependencies, then
# comes here): build the releaser, then release the current commit into
# dist/ with it: a snapshot unless HEAD carries a release tag. The key is
# RELEASE_KEY=FILE or $RELEASER_SIGNING_KEY; without one, a development key
# kept in build/ signs, with a warning. RELEASE_ARGS adds options (e.g.
# --check-reproducible, --arch amd64).
RELEASE_KEY  ?=
RELEASE_ARGS ?=
DEV_KEY      := $(abspath $(BUILD))/dev-signing

.PHONY: release-snapshot
release-snapshot: $(RELEASER)
	$(Q)$(RELEASER) release $(if $(RELEASE_KEY),--key $(RELEASE_KEY)) --dev-key $(DEV_KEY) $(RELEASE_ARGS)

# `make bench-release`: bench/release (by hand): releaser release against a
# scripted pipeline, packaging memory, releaser info against git describe.
.PHONY: bench-release
bench-release: $(RELEASER)
	$(Q)bench/release --releaser $(RELEASER) $(BENCH_ARGS)
