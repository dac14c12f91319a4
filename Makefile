# The one entry point.
#
#   make              build everything for the host arch into build/
#   make test         install what is missing, build, run the whole suite
#                     (plain, then under AddressSanitizer/UBSan)
#   make check-bpf    build, run only tests/bpf (loads the analyzer; root)
#   make release      install what is missing, then a snapshot release in dist/
#   make generate     rewrite the files generated from support/frametypes.json
#   make check-generated   fail when a committed generated file is stale
#   make install PREFIX=/usr/local DESTDIR=   the agent, libanalyzer, its
#                     headers, pkg-config file, frame types, analyzer objects
#                     and docs: the tree a release tarball holds (agent/build.mk)
#   make bench-analyzer   run bench/analyzer-overhead (by hand; needs root)
#   make bench-accuracy   run bench/accuracy: the agent against perf (root)
#   make fuzz FUZZ_SECONDS=N   run every libFuzzer harness of tests/fuzz for N
#                     seconds (tests/fuzz/build.mk)
#   make clean
#
# Variables: BRANCH=NAME builds what a snapshot of branch NAME would (the
# flavors; default: what the releaser decides for HEAD, see below); ARCHES
# (default: host) the analyzer arches; V=1 shows commands; SANITIZE=1
# builds into build/asan with ASan/UBSan; EBPF_FLAGS=fake-release (with
# AGENT_FEATURES=) the debug analyzer under the release name; VERSION,
# COMMIT and PC_VERSION what the agent, the releaser and analyzer.pc report.
# The releaser's own make passes all of these.
MAKEFLAGS += -r --no-print-directory
.DEFAULT_GOAL := all
.DELETE_ON_ERROR:

ROOT := $(CURDIR)

ifeq ($(SANITIZE),1)
BUILD ?= build/asan
else
BUILD ?= build
endif
OBJ := $(BUILD)/obj

# ---- what the releaser decides: the flavors and the version -------------------
# One authority (RELEASING.md, "What a release is"): `releaser info
# --make-vars` decides from git state and releaser.conf what a build by hand
# carries out: EBPF_FLAGS and AGENT_FEATURES (fake-release, the agent with
# the release slot only, exactly on branch.debug or at a -debug tag; both
# flavors, chosen at run time, everywhere else), VERSION (the release tag
# at HEAD, else the snapshot version), COMMIT and PC_VERSION. A bootstrap
# releaser (the releaser's objects without its own version) writes the
# answer into RELEASER_VARS, which is included: make remakes it first and
# reads itself again only when the answer changed. Variables given on the
# command line win; with all of them given (the releaser's own make), or
# outside a git checkout, or for goals that build nothing, nothing is asked.
MAKE_VARS   := EBPF_FLAGS AGENT_FEATURES VERSION COMMIT PC_VERSION
ASKED_VARS  := $(strip $(foreach v,$(MAKE_VARS),$(if $(filter command line,$(origin $(v))),,$(v))))
ASKED_GOALS := $(filter-out clean deps test release generate check-generated,$(or $(MAKECMDGOALS),all))
RELEASER_VARS := $(BUILD)/make-vars/$(if $(BRANCH),branch/$(subst %,_,$(BRANCH)),head).mk
ifneq ($(ASKED_VARS),)
ifneq ($(ASKED_GOALS),)
ifneq ($(wildcard $(ROOT)/.git),)
include $(RELEASER_VARS)
endif
endif
endif
# an explicit EBPF_FLAGS alone brings the agent that goes with it
ifeq ($(origin EBPF_FLAGS),command line)
ifneq ($(origin AGENT_FEATURES),command line)
AGENT_FEATURES := $(if $(filter fake-release,$(EBPF_FLAGS)),,debug-analyzer)
endif
endif
# what nothing decided (no git checkout, or goals that build nothing)
EBPF_FLAGS     ?=
AGENT_FEATURES ?= debug-analyzer

HOST_ARCH := $(patsubst x86_64,amd64,$(patsubst aarch64,arm64,$(shell uname -m)))
ARCHES    ?= $(AGENT_ARCH)

# ---- the agent's arch: the host's, or another through Debian's cross tools ----
# AGENT_ARCH=arm64 on amd64 (or amd64 on arm64) builds the agent and
# libanalyzer with the cross compiler against the :arm64 libraries
# (ci/install-deps.sh --cross installs both). What runs during the build
# (gen-frametypes) is built with HOSTCC for the host.
AGENT_ARCH    ?= $(HOST_ARCH)
TRIPLET_amd64 := x86_64-linux-gnu
TRIPLET_arm64 := aarch64-linux-gnu
HOSTCC        ?= cc
ifeq ($(filter amd64 arm64,$(AGENT_ARCH)),)
$(error AGENT_ARCH must be amd64 or arm64, not '$(AGENT_ARCH)')
endif
ifneq ($(AGENT_ARCH),$(HOST_ARCH))
CROSS := 1
ifeq ($(origin CC),default)
CC := $(TRIPLET_$(AGENT_ARCH))-gcc
endif
PKG_CONFIG := PKG_CONFIG_LIBDIR=/usr/lib/$(TRIPLET_$(AGENT_ARCH))/pkgconfig:/usr/share/pkgconfig pkg-config
else
PKG_CONFIG := pkg-config
endif

# ---- version: what the agent's --version, the releaser's and analyzer.pc say ----
# The releaser decides them (above); they are expanded once here, and a
# stamp rebuilds only what embeds them. PC_VERSION is analyzer.pc's Version:
# the version as pkg-config and dpkg order it (v1.2.3 -> 1.2.3, v1.3.0-rc.1
# -> 1.3.0~rc.1, a snapshot v1.2.4-SNAPSHOT-<sha12> -> 1.2.4~SNAPSHOT-<sha12>;
# RELEASING.md).
VERSION    ?= unknown
COMMIT     ?= unknown
PC_VERSION ?= 0.0.0
VERSION    := $(VERSION)
COMMIT     := $(COMMIT)
PC_VERSION := $(PC_VERSION)

# ---- tools and flags --------------------------------------------------------
CC       ?= cc
CFLAGS   ?= -O2 -g
WARNINGS := -Wall -Wextra -Werror
CPPFLAGS_ALL := -D_GNU_SOURCE
CFLAGS_ALL   := -std=gnu11 $(WARNINGS) $(CFLAGS) -fno-strict-aliasing -MMD -MP \
		-ffile-prefix-map=$(CURDIR)=.
LDFLAGS_ALL  := $(LDFLAGS)
ifeq ($(SANITIZE),1)
SAN_FLAGS    := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
CFLAGS_ALL   += $(SAN_FLAGS)
LDFLAGS_ALL  += $(SAN_FLAGS)
endif

ifeq ($(V),1)
Q =
msg =
else
Q = @
# silent under make -s, whose output scripts read (make -s print-RELEASER)
msg = @$(if $(findstring s,$(firstword -$(MAKEFLAGS))),:,printf '  %-8s %s\n' "$(1)" "$(2)");
endif

# $(call cc_rule,OBJ_DIR,SRC_DIR,EXTRA_CFLAGS): compile SRC_DIR/%.c to OBJ_DIR/%.o
define cc_rule
$(1)/%.o: $(2)/%.c | $(1)
	$$(call msg,CC,$$@)
	$$(Q)$$(CC) $$(CPPFLAGS_ALL) $$(CFLAGS_ALL) $(3) -MT $$@ -MF $$(@:.o=.d).tmp -c $$< -o $$@.tmp && \
		mv -f $$(@:.o=.d).tmp $$(@:.o=.d) && mv -f $$@.tmp $$@
endef

# $(call stamp_rule,FILE,TEXT): FILE holds TEXT and is rewritten only when
# TEXT changes (a setting such as the branch policy or the version), so its
# dependents rebuild exactly then
define stamp_rule
$(1): FORCE
	$$(Q)mkdir -p $$(dir $$@); if [ "$$$$(cat $$@ 2>/dev/null)" != "$(2)" ]; then \
		printf '%s\n' "$(2)" >$$@.tmp && mv -f $$@.tmp $$@; fi
endef

.PHONY: all deps test check check-bpf release generate check-generated install bench-analyzer bench-accuracy clean FORCE
FORCE:

all:

# ---- dependencies -------------------------------------------------------------
deps:
	$(Q)ci/install-deps.sh --cross

# ---- frame types: one source of truth ------------------------------------------
GEN_FRAMETYPES := $(BUILD)/bin/gen-frametypes
FRAMETYPES_H   := support/ebpf/frametypes.h
FRAMETYPES_GO  := support/go/frametypes/frametypes.go

$(eval $(call cc_rule,$(OBJ)/support,support,))
$(OBJ)/support/gen-frametypes.o: CC = $(HOSTCC)
$(GEN_FRAMETYPES): $(OBJ)/support/gen-frametypes.o | $(BUILD)/bin
	$(call msg,LD,$@)
	$(Q)$(HOSTCC) $(LDFLAGS_ALL) $^ -o $@.tmp $(shell pkg-config --libs jansson) && mv -f $@.tmp $@

# Editing frametypes.json regenerates the committed header and Go file.
$(FRAMETYPES_H) $(FRAMETYPES_GO) &: support/frametypes.json | $(GEN_FRAMETYPES)
	$(call msg,GEN,$(FRAMETYPES_H) $(FRAMETYPES_GO))
	$(Q)$(GEN_FRAMETYPES) --c $(FRAMETYPES_H) --go $(FRAMETYPES_GO) support/frametypes.json

generate: $(GEN_FRAMETYPES)
	$(Q)$(GEN_FRAMETYPES) --c $(FRAMETYPES_H) --go $(FRAMETYPES_GO) support/frametypes.json

check-generated: $(GEN_FRAMETYPES)
	$(Q)mkdir -p $(BUILD)/gen
	$(Q)$(GEN_FRAMETYPES) --c $(BUILD)/gen/frametypes.h --go $(BUILD)/gen/frametypes.go support/frametypes.json
	$(Q)diff -u $(FRAMETYPES_H) $(BUILD)/gen/frametypes.h >&2 || \
	   { echo "check-generated: '$(FRAMETYPES_H)' is stale: run 'make generate' and commit it" >&2; exit 1; }
	$(Q)diff -u $(FRAMETYPES_GO) $(BUILD)/gen/frametypes.go >&2 || \
	   { echo "check-generated: '$(FRAMETYPES_GO)' is stale: run 'make generate' and commit it" >&2; exit 1; }

# ---- the analyzer: support/ebpf/Makefile, one sub-make per arch ------------------
EBPF_OUT     := $(abspath $(BUILD))/ebpf
EBPF_GOAL    := $(if $(EBPF_FLAGS),$(EBPF_FLAGS),all)
EBPF_OBJECTS := $(foreach a,$(ARCHES),$(BUILD)/ebpf/analyzer.ebpf.release.$(a) $(BUILD)/ebpf/analyzer.ebpf.debug.$(a))

# The sub-make decides what is stale; dependents rebuild only when an
# object's mtime changes.
$(BUILD)/ebpf/analyzer.ebpf.release.% $(BUILD)/ebpf/analyzer.ebpf.debug.%: $(FRAMETYPES_H) FORCE
	$(Q)$(MAKE) $(if $(filter 1,$(V)),,-s) -C support/ebpf OUTPUT=$(EBPF_OUT) TARGET_ARCH=$* V=$(V) $(EBPF_GOAL)

all: $(EBPF_OBJECTS)

# ---- parts ---------------------------------------------------------------------
include libanalyzer/build.mk
include agent/build.mk
include releaser/build.mk
include tests/build.mk
include tests/fuzz/build.mk
include bench/build.mk

$(BUILD)/bin $(BUILD)/lib $(BUILD)/tests:
	$(Q)mkdir -p $@
$(OBJ)/%/:
	$(Q)mkdir -p $@
$(OBJ)/support $(OBJ)/agent $(OBJ)/agent-pic $(OBJ)/tests $(OBJ)/releaser $(OBJ)/bench $(BUILD)/bench:
	$(Q)mkdir -p $@

# ---- tests -------------------------------------------------------------------------
# `make test` installs what is missing, then runs the suite plain and again
# under ASan/UBSan (the sanitized pass links the agent dynamically; it
# leaves the tests marked "# run: once" to the plain pass), and prints the
# wall time of both passes.
test: deps
	$(Q)start=$$(date +%s); $(MAKE) check && $(MAKE) SANITIZE=1 check; rc=$$?; \
	echo "make test: $$(($$(date +%s) - start)) s wall time, both passes"; exit $$rc

check: all $(TEST_PROGRAMS)
	$(Q)SANITIZE=$(SANITIZE) tests/run.sh --build $(BUILD)

# the subset that needs the kernel: tests/bpf (the release workflow runs it
# on a real arm64 kernel)
check-bpf: all $(TEST_PROGRAMS)
	$(Q)SANITIZE=$(SANITIZE) tests/run.sh --build $(BUILD) bpf/

# ---- release --------------------------------------------------------------------------
release: deps
	$(Q)$(MAKE) release-snapshot

clean:
	$(Q)rm -rf build dist

-include $(shell find $(OBJ) -name '*.d' 2>/dev/null)

# `make print-VAR` shows a variable's value (used by tests and CI scripts)
print-%:
	@printf '%s\n' '$($*)'
