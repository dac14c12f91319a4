# bench/: benchmarks run by hand (make bench-analyzer), never by the suite.
# Included by the top-level Makefile.

$(eval $(call cc_rule,$(OBJ)/bench,bench,))

$(BUILD)/bench/overhead-run: $(OBJ)/bench/overhead-run.o $(LIBANALYZER_A) | $(BUILD)/bench
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS_ALL) $^ -o $@ $(BPF_LIBS)

bench-analyzer: all $(BUILD)/tests/burner $(BUILD)/bench/overhead-run
	$(Q)bench/analyzer-overhead --build $(BUILD)
