# tests/: the programs the suite runs (C unit tests and BPF drivers).
# Included by the top-level Makefile.

UNIT_TESTS    := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test-*.c))
TEST_PROGRAMS := $(UNIT_TESTS) $(BUILD)/tests/analyzer-run $(BUILD)/tests/burner $(BUILD)/tests/profile-check \
		 $(BUILD)/tests/nested $(BUILD)/tests/nested-no-eh-frame $(BUILD)/tests/nested-cxx

# the unit tests and drivers include what they test as the agent does
$(OBJ)/tests/%.o: CPPFLAGS_ALL += $(AGENT_CPPFLAGS)
$(eval $(call cc_rule,$(OBJ)/tests,tests/unit,-Itests/unit))
$(eval $(call cc_rule,$(OBJ)/tests/bpf,tests/bpf,))
$(OBJ)/tests/bpf:
	$(Q)mkdir -p $@

$(BUILD)/tests/analyzer-run: $(OBJ)/tests/bpf/analyzer-run.o $(LIBANALYZER_A) | $(BUILD)/tests
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS_ALL) $^ -o $@.tmp $(BPF_LIBS) && mv -f $@.tmp $@

# profile-check reads the agent's json output (with jansson)
$(BUILD)/tests/profile-check: $(OBJ)/tests/bpf/profile-check.o | $(BUILD)/tests
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS_ALL) $^ -o $@.tmp $(shell $(PKG_CONFIG) --libs jansson) && mv -f $@.tmp $@

# the program the profiling tests profile: known function names, symbols
# and frame pointers, no sanitizer (its stacks must be plain); -O0, as gcc
# leaves frame pointers out of leaf functions at -O1 and above, whatever
# -mno-omit-leaf-frame-pointer says
BURNER_CFLAGS := -std=gnu11 $(WARNINGS) -O0 -g -fno-omit-frame-pointer
$(BUILD)/tests/burner: tests/fixtures/burner.c tests/build.mk | $(BUILD)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(BURNER_CFLAGS) tests/fixtures/burner.c -o $@.tmp && mv -f $@.tmp $@

# the program the unwinding tests profile: -O2, so no frame pointers (gcc's
# default); its stacks unwind only through its CFI. The second copy has no
# CFI at all, for the analyzer's frame-pointer fallback and its reports.
NESTED_CFLAGS := -std=gnu11 $(WARNINGS) -O2 -g -fomit-frame-pointer
$(BUILD)/tests/nested: tests/fixtures/nested.c tests/build.mk | $(BUILD)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(NESTED_CFLAGS) tests/fixtures/nested.c -o $@.tmp && mv -f $@.tmp $@
$(BUILD)/tests/nested-no-eh-frame: $(BUILD)/tests/nested
	$(call msg,OBJCOPY,$@)
	$(Q)objcopy --remove-section .eh_frame --remove-section .eh_frame_hdr --remove-section .debug_frame \
		$< $@.tmp && mv -f $@.tmp $@

# the C++ program the naming and unwinding tests profile (throws)
$(BUILD)/tests/nested-cxx: tests/fixtures/nested-cxx.cc tests/build.mk | $(BUILD)/tests
	$(call msg,CXX,$@)
	$(Q)$(CXX) -std=gnu++17 $(WARNINGS) -O2 -g tests/fixtures/nested-cxx.cc -o $@.tmp && mv -f $@.tmp $@

# unit tests link the objects they test; list them per test here
UNIT_DEPS_test-object-info := $(OBJ)/libanalyzer/object-info.o
UNIT_LIBS_test-object-info := -lelf
UNIT_DEPS_test-kallsyms    := $(OBJ)/agent/symbolize/kallsyms.o
UNIT_DEPS_test-procmaps    := $(OBJ)/agent/proc/maps.o
UNIT_DEPS_test-aggregate   := $(OBJ)/agent/aggregate.o
UNIT_DEPS_test-unwind      := $(addprefix $(OBJ)/agent/,unwind/table.o unwind/cfi.o unwind/cfi-scan.o unwind/cfi-rule.o clock.o)
UNIT_LIBS_test-unwind      := -ldw -lelf
UNIT_DEPS_test-cfi         := $(addprefix $(OBJ)/agent/,unwind/table.o unwind/cfi.o unwind/cfi-scan.o unwind/cfi-rule.o proc/maps.o clock.o)
UNIT_LIBS_test-cfi         := -ldw -lelf
UNWIND_LOADER_OBJS := unwind/loader.o unwind/files.o unwind/copy.o unwind/table.o unwind/cfi.o unwind/cfi-scan.o unwind/cfi-rule.o
UNIT_DEPS_test-unwind-loader := $(addprefix $(OBJ)/agent/,$(UNWIND_LOADER_OBJS) proc/maps.o proc/table.o clock.o log.o)
UNIT_LIBS_test-unwind-loader := -ldw -lelf
UNIT_DEPS_test-options     := $(OBJ)/agent/options.o $(OBJ)/agent/log.o $(OBJ)/agent/export/endpoint.o
UNIT_LIBS_test-options     := -lm
UNIT_DEPS_test-output      := $(OBJ)/agent/output.o $(OBJ)/agent/log.o
UNIT_DEPS_test-debug-line  := $(OBJ)/agent/debug-line.o $(LIBANALYZER_A)
UNIT_LIBS_test-debug-line  := $(BPF_LIBS)
SYMBOLIZER_OBJS := $(addprefix $(OBJ)/agent/,symbolize/symbolize.o symbolize/kernel.o symbolize/modules.o symbolize/lines.o symbolize/elfsyms.o symbolize/kallsyms.o proc/maps.o proc/table.o clock.o log.o)
UNIT_DEPS_test-symbolize   := $(SYMBOLIZER_OBJS)
UNIT_LIBS_test-symbolize   := -ldw -lelf -lz -lsupc++
UNIT_DEPS_test-folded      := $(addprefix $(OBJ)/agent/,folded.o frames.o aggregate.o) $(SYMBOLIZER_OBJS)
UNIT_LIBS_test-folded      := -ldw -lelf -lz -lsupc++
# the releaser's unit tests link libreleaser.a (every layer but main.c)
RELEASER_UNIT_TESTS := $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test-releaser-*.c))
$(foreach t,$(RELEASER_UNIT_TESTS),$(eval UNIT_DEPS_$(t) = $$(RELEASER_LIB))$(eval UNIT_LIBS_$(t) = $$(RELEASER_LIBS)))
$(patsubst %,$(OBJ)/tests/%.o,$(RELEASER_UNIT_TESTS)): CPPFLAGS_ALL += -Ireleaser

.SECONDEXPANSION:
$(UNIT_TESTS): $(BUILD)/tests/%: $(OBJ)/tests/%.o $$(UNIT_DEPS_$$*) | $(BUILD)/tests
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS_ALL) $^ -o $@.tmp $(UNIT_LIBS_$*) && mv -f $@.tmp $@

# the signing driver: sign_sums_text() for the CLI tests, without the packaging commands
TEST_PROGRAMS += $(BUILD)/tests/sign-sums
$(eval $(call cc_rule,$(OBJ)/tests/tools,tests/tools,-Ireleaser))
$(OBJ)/tests/tools:
	$(Q)mkdir -p $@
$(BUILD)/tests/sign-sums: $(OBJ)/tests/tools/sign-sums.o $(RELEASER_LIB) | $(BUILD)/tests
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS_ALL) $^ -o $@.tmp $(RELEASER_LIBS) && mv -f $@.tmp $@
