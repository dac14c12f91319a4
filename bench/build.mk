# bench/: benchmarks run by hand (make bench-analyzer), never by the suite.
# Included by the top-level Makefile.

BENCH_PROGRAMS := $(BUILD)/bench/overhead-run $(BUILD)/bench/rusage-run

$(OBJ)/bench/%.o: CPPFLAGS_ALL += $(AGENT_CPPFLAGS)
$(eval $(call cc_rule,$(OBJ)/bench,bench,))

# overhead-run loads unwind rules with the agent's loader
OVERHEAD_RUN_OBJS := $(OBJ)/bench/overhead-run.o $(addprefix $(OBJ)/agent/,$(UNWIND_LOADER_OBJS) unwind/sink.o proc/maps.o proc/table.o clock.o log.o)
$(BUILD)/bench/overhead-run: $(OVERHEAD_RUN_OBJS) $(LIBANALYZER_A) | $(BUILD)/bench
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS_ALL) $^ -o $@.tmp $(BPF_LIBS) -ldw -lelf && mv -f $@.tmp $@

$(BUILD)/bench/rusage-run: $(OBJ)/bench/rusage-run.o | $(BUILD)/bench
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS_ALL) $^ -o $@.tmp && mv -f $@.tmp $@

# continuous mode and OTLP export: CPU at 19 and 99 Hz, RSS in a churn
bench-export: all $(BUILD)/tests/burner $(BUILD)/bench/rusage-run
	$(Q)bench/export-overhead --build $(BUILD)

# the accuracy benchmark's memory workload: every ELF file mapped once
$(BUILD)/bench/map-all: $(OBJ)/bench/map-all.o | $(BUILD)/bench
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS_ALL) $^ -o $@.tmp $(BPF_LIBS) && mv -f $@.tmp $@

bench-analyzer: all $(BUILD)/tests/burner $(BENCH_PROGRAMS)
	$(Q)bench/analyzer-overhead --build $(BUILD)

# the accuracy benchmark's workloads: -O2, without and with frame pointers
ACCURACY_CFLAGS := -std=gnu11 $(WARNINGS) -O2 -g
ACCURACY_PROGRAMS := $(BUILD)/bench/accuracy-work-nofp $(BUILD)/bench/accuracy-work-fp
$(BUILD)/bench/accuracy-work-nofp: bench/accuracy-work.c bench/build.mk | $(BUILD)/bench
	$(call msg,CC,$@)
	$(Q)$(CC) $(ACCURACY_CFLAGS) -fomit-frame-pointer $< -o $@.tmp && mv -f $@.tmp $@
$(BUILD)/bench/accuracy-work-fp: bench/accuracy-work.c bench/build.mk | $(BUILD)/bench
	$(call msg,CC,$@)
	$(Q)$(CC) $(ACCURACY_CFLAGS) -fno-omit-frame-pointer $< -o $@.tmp && mv -f $@.tmp $@

# the C++ workload (throws), linked dynamically and statically
ACCURACY_CXXFLAGS := -std=gnu++17 $(WARNINGS) -O2 -g
ACCURACY_PROGRAMS += $(BUILD)/bench/accuracy-work-cxx $(BUILD)/bench/accuracy-work-cxx-static
$(BUILD)/bench/accuracy-work-cxx: bench/accuracy-work-cxx.cc bench/build.mk | $(BUILD)/bench
	$(call msg,CXX,$@)
	$(Q)$(CXX) $(ACCURACY_CXXFLAGS) $< -o $@.tmp && mv -f $@.tmp $@
$(BUILD)/bench/accuracy-work-cxx-static: bench/accuracy-work-cxx.cc bench/build.mk | $(BUILD)/bench
	$(call msg,CXX,$@)
	$(Q)$(CXX) $(ACCURACY_CXXFLAGS) -static $< -o $@.tmp && mv -f $@.tmp $@

bench-accuracy: all $(ACCURACY_PROGRAMS) $(BUILD)/bench/rusage-run $(BUILD)/bench/map-all
	$(Q)bench/accuracy --build $(BUILD)

# finding the previous release among many tags that are not in the history
.PHONY: bench-notes bench-export
bench-notes: all
	$(Q)bench/notes --releaser $(BUILD)/bin/releaser
