# releaser/: the release tool. Included by the top-level Makefile.

RELEASER      := $(BUILD)/bin/releaser
RELEASER_SRCS := $(wildcard releaser/*.c)
RELEASER_OBJS := $(patsubst releaser/%.c,$(OBJ)/releaser/%.o,$(RELEASER_SRCS))
RELEASER_LIBS := $(shell pkg-config --libs libgit2 libarchive openssl jansson libelf 2>/dev/null)

$(eval $(call cc_rule,$(OBJ)/releaser,releaser,))

$(RELEASER): $(RELEASER_OBJS) $(OBJ)/agent/object-info.o | $(BUILD)/bin
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS_ALL) $^ -o $@ $(RELEASER_LIBS)

all: $(RELEASER)

# What a release ships, and only that: the goal `releaser build` makes
# (AGENT_BIN comes from agent/build.mk).
.PHONY: release-outputs
release-outputs: $(EBPF_OBJECTS) $(LIBANALYZER_A) $(LIBANALYZER_SO) $(AGENT_BIN)

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
