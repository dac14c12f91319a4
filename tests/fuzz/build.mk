# tests/fuzz/: libFuzzer harnesses, one per parser of outside input.
# Included by the top-level Makefile.
#
#   make fuzz-build               every harness into build/fuzz/
#   make fuzz FUZZ_SECONDS=N      run each for N seconds on a scratch copy
#                                 of its seed corpus; new crashes go to
#                                 build/fuzz/crashes/<target>/
#   make fuzz FUZZ_TARGETS='sums version'   only those
#   make fuzz FUZZ_JOBS=2         two targets at a time (default 1)
#
# The harnesses and the code they test are compiled with clang, the
# fuzzer's coverage and ASan/UBSan, into build/fuzz/obj (never mixed with
# the gcc objects of build/obj), whatever SANITIZE says.

FUZZ_CC      ?= clang
FUZZ_DIR     := build/fuzz
FUZZ_OBJ     := $(FUZZ_DIR)/obj
FUZZ_SECONDS ?= 10
FUZZ_JOBS    ?= 1
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_CFLAGS  := -std=gnu11 $(WARNINGS) -O1 -g -fno-strict-aliasing -MMD -MP $(FUZZ_SAN) \
		-ffile-prefix-map=$(CURDIR)=.
FUZZ_CPPFLAGS := $(CPPFLAGS_ALL) -Ireleaser -Itests/fuzz $(AGENT_CPPFLAGS)

FUZZ_TARGETS_ALL := $(patsubst tests/fuzz/fuzz-%.c,%,$(wildcard tests/fuzz/fuzz-*.c))
FUZZ_TARGETS     ?= $(FUZZ_TARGETS_ALL)
FUZZ_PROGRAMS    := $(patsubst %,$(FUZZ_DIR)/fuzz-%,$(FUZZ_TARGETS_ALL))

# the code under test: every releaser layer but main.c, and the agent's parsers
FUZZ_RELEASER_OBJS := $(patsubst releaser/%.c,$(FUZZ_OBJ)/releaser/%.o,$(RELEASER_SRCS))
FUZZ_AGENT_OBJS    := $(FUZZ_OBJ)/libanalyzer/object-info.o $(addprefix $(FUZZ_OBJ)/agent/,proc/maps.o symbolize/elfsyms.o unwind/table.o unwind/cfi.o unwind/cfi-scan.o unwind/cfi-rule.o clock.o export/endpoint.o export/utf8.o)
FUZZ_LIB           := $(FUZZ_DIR)/libtested.a

$(FUZZ_OBJ)/%.o: %.c
	$(call msg,FUZZCC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MT $@ -MF $(@:.o=.d).tmp \
		-c $< -o $@.tmp && mv -f $(@:.o=.d).tmp $(@:.o=.d) && mv -f $@.tmp $@

# what releaser --version says is no business of the parsers
$(FUZZ_OBJ)/releaser/lib/self.o: FUZZ_CPPFLAGS += -DRELEASER_VERSION='"fuzz"'

$(FUZZ_LIB): $(FUZZ_RELEASER_OBJS) $(FUZZ_AGENT_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@.tmp && $(AR) rcs $@.tmp $^ && mv -f $@.tmp $@

# gen-frametypes.c is a program: its harness includes it (see fuzz-frametypes.c)
$(FUZZ_OBJ)/tests/fuzz/fuzz-frametypes.o: support/gen-frametypes.c

$(FUZZ_PROGRAMS): $(FUZZ_DIR)/fuzz-%: $(FUZZ_OBJ)/tests/fuzz/fuzz-%.o $(FUZZ_LIB)
	$(call msg,LD,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer $^ -o $@.tmp $(RELEASER_LIBS) $(shell pkg-config --libs zlib) -ldw -lelf && mv -f $@.tmp $@

.PHONY: fuzz fuzz-build
fuzz-build: $(FUZZ_PROGRAMS)

# runs each target for FUZZ_SECONDS, FUZZ_JOBS at a time; one line per
# target, fails on a crash (printing the fuzzer's report and the input)
fuzz: fuzz-build
	$(Q)tests/fuzz/run.sh --build $(FUZZ_DIR) --seconds $(FUZZ_SECONDS) --jobs $(FUZZ_JOBS) $(FUZZ_TARGETS)

# the suite replays the regression inputs and runs each target briefly (t0900)
check: $(FUZZ_PROGRAMS)

-include $(shell find $(FUZZ_OBJ) -name '*.d' 2>/dev/null)
