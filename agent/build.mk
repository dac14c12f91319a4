# agent/: libanalyzer (static and shared) with the embedded analyzer slots.
# Included by the top-level Makefile.

LIBANALYZER_SRCS := analyzer.c object-info.c slots.c
LIBANALYZER_A    := $(BUILD)/lib/libanalyzer.a
LIBANALYZER_SO   := $(BUILD)/lib/libanalyzer.so
BPF_LIBS         := $(shell pkg-config --libs libbpf libelf zlib 2>/dev/null)

# Which slots the library embeds follows AGENT_FEATURES (the branch policy).
# The stamp changes when the policy does, so slots and embed rebuild then.
EMBED_ARCH  := $(HOST_ARCH)
SLOT_FLAGS  := -DANALYZER_RELEASE_OBJ='"$(abspath $(BUILD))/ebpf/analyzer.ebpf.release.$(EMBED_ARCH)"'
SLOT_DEPS   := $(BUILD)/ebpf/analyzer.ebpf.release.$(EMBED_ARCH)
ifneq (,$(filter debug-analyzer,$(AGENT_FEATURES)))
SLOT_FLAGS  += -DANALYZER_HAVE_DEBUG_SLOT \
	       -DANALYZER_DEBUG_OBJ='"$(abspath $(BUILD))/ebpf/analyzer.ebpf.debug.$(EMBED_ARCH)"'
SLOT_DEPS   += $(BUILD)/ebpf/analyzer.ebpf.debug.$(EMBED_ARCH)
endif
FEATURES_STAMP := $(BUILD)/stamps/agent-features
$(eval $(call stamp_rule,$(FEATURES_STAMP),$(AGENT_FEATURES) $(EMBED_ARCH)))

$(eval $(call cc_rule,$(OBJ)/agent,agent,))
$(eval $(call cc_rule,$(OBJ)/agent-pic,agent,-fPIC))

$(OBJ)/agent/slots.o $(OBJ)/agent-pic/slots.o: $(FEATURES_STAMP)
$(OBJ)/agent/slots.o $(OBJ)/agent-pic/slots.o: CPPFLAGS_ALL += $(SLOT_FLAGS)

$(OBJ)/agent/embed.o $(OBJ)/agent-pic/embed.o: agent/embed.S $(SLOT_DEPS) $(FEATURES_STAMP) | $(OBJ)/agent $(OBJ)/agent-pic
	$(call msg,EMBED,$@)
	$(Q)$(CC) $(SLOT_FLAGS) -fPIC -c $< -o $@

$(LIBANALYZER_A): $(addprefix $(OBJ)/agent/,$(LIBANALYZER_SRCS:.c=.o) embed.o) | $(BUILD)/lib
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcsD $@ $^

$(LIBANALYZER_SO): $(addprefix $(OBJ)/agent-pic/,$(LIBANALYZER_SRCS:.c=.o) embed.o) | $(BUILD)/lib
	$(call msg,LD,$@)
	$(Q)$(CC) -shared -Wl,-soname,libanalyzer.so.1 -Wl,-z,defs $(LDFLAGS_ALL) $^ -o $@ $(BPF_LIBS)

all: $(LIBANALYZER_A) $(LIBANALYZER_SO)
