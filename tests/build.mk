# tests/: the programs the suite runs (C unit tests and BPF drivers).
# Included by the top-level Makefile.

UNIT_TESTS    := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test-*.c))
TEST_PROGRAMS := $(UNIT_TESTS) $(BUILD)/tests/analyzer-run

$(eval $(call cc_rule,$(OBJ)/tests,tests/unit,-Itests/unit))
$(eval $(call cc_rule,$(OBJ)/tests/bpf,tests/bpf,))
$(OBJ)/tests/bpf:
	$(Q)mkdir -p $@

$(BUILD)/tests/analyzer-run: $(OBJ)/tests/bpf/analyzer-run.o $(LIBANALYZER_A) | $(BUILD)/tests
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS_ALL) $^ -o $@ $(BPF_LIBS)

# unit tests link the objects they test; list them per test here
UNIT_DEPS_test-object-info := $(OBJ)/agent/object-info.o
UNIT_LIBS_test-object-info := -lelf
UNIT_DEPS_test-version := $(OBJ)/releaser/version.o
$(OBJ)/tests/test-version.o: CPPFLAGS_ALL += -Ireleaser
SIGN_OBJS := $(patsubst %,$(OBJ)/releaser/%.o,sign key keyfile sigfile sums ossl kdf blake2b util)
UNIT_DEPS_test-sign := $(SIGN_OBJS)
UNIT_LIBS_test-sign := -lcrypto
$(OBJ)/tests/test-sign.o: CPPFLAGS_ALL += -Ireleaser
UNIT_DEPS_test-artifact := $(OBJ)/releaser/artifact.o
$(OBJ)/tests/test-artifact.o: CPPFLAGS_ALL += -Ireleaser

.SECONDEXPANSION:
$(UNIT_TESTS): $(BUILD)/tests/%: $(OBJ)/tests/%.o $$(UNIT_DEPS_$$*) | $(BUILD)/tests
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS_ALL) $^ -o $@ $(UNIT_LIBS_$*)

# the signing driver: sign_sums() for the CLI tests, without the packaging commands
TEST_PROGRAMS += $(BUILD)/tests/sign-sums
$(eval $(call cc_rule,$(OBJ)/tests/tools,tests/tools,-Ireleaser))
$(OBJ)/tests/tools:
	$(Q)mkdir -p $@
$(BUILD)/tests/sign-sums: $(OBJ)/tests/tools/sign-sums.o $(SIGN_OBJS) | $(BUILD)/tests
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS_ALL) $^ -o $@ -lcrypto
