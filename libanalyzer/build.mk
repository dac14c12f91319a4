# libanalyzer/: what third parties embed (static and shared), with the
# embedded analyzer slots. Its public header is include/analyzer.h, all that
# the agent, the releaser and third parties see of it. Included by the
# top-level Makefile.

LIBANALYZER_SRCS := $(wildcard libanalyzer/*.c)
# what the agent, the releaser and third parties include: the public header
LIBANALYZER_CPPFLAGS := -Ilibanalyzer/include
LIBANALYZER_A    := $(BUILD)/lib/libanalyzer.a
LIBANALYZER_SO   := $(BUILD)/lib/libanalyzer.so
BPF_LIBS         := $(shell $(PKG_CONFIG) --libs libbpf libelf zlib 2>/dev/null)

# Which slots the library embeds follows AGENT_FEATURES (the branch policy).
# The stamp changes when the policy does, so slots and embed rebuild then.
EMBED_ARCH  := $(AGENT_ARCH)
SLOT_FLAGS  := -DANALYZER_RELEASE_OBJ='"$(abspath $(BUILD))/ebpf/analyzer.ebpf.release.$(EMBED_ARCH)"'
SLOT_DEPS   := $(BUILD)/ebpf/analyzer.ebpf.release.$(EMBED_ARCH)
ifneq (,$(filter debug-analyzer,$(AGENT_FEATURES)))
SLOT_FLAGS  += -DANALYZER_HAVE_DEBUG_SLOT \
	       -DANALYZER_DEBUG_OBJ='"$(abspath $(BUILD))/ebpf/analyzer.ebpf.debug.$(EMBED_ARCH)"'
SLOT_DEPS   += $(BUILD)/ebpf/analyzer.ebpf.debug.$(EMBED_ARCH)
endif
FEATURES_STAMP := $(BUILD)/stamps/agent-features
$(eval $(call stamp_rule,$(FEATURES_STAMP),$(AGENT_FEATURES) $(EMBED_ARCH)))

# the library's own sources see its internal headers, the analyzer's shared
# one and frametypes.h (support/ebpf)
$(OBJ)/libanalyzer/%.o $(OBJ)/libanalyzer-pic/%.o: CPPFLAGS_ALL += $(LIBANALYZER_CPPFLAGS) -Ilibanalyzer -Isupport/ebpf
$(eval $(call cc_rule,$(OBJ)/libanalyzer,libanalyzer,))
$(eval $(call cc_rule,$(OBJ)/libanalyzer-pic,libanalyzer,-fPIC))

$(OBJ)/libanalyzer/slots.o $(OBJ)/libanalyzer-pic/slots.o: $(FEATURES_STAMP)
$(OBJ)/libanalyzer/slots.o $(OBJ)/libanalyzer-pic/slots.o: CPPFLAGS_ALL += $(SLOT_FLAGS)

$(OBJ)/libanalyzer/embed.o $(OBJ)/libanalyzer-pic/embed.o: libanalyzer/embed.S $(SLOT_DEPS) $(FEATURES_STAMP) \
		| $(OBJ)/libanalyzer $(OBJ)/libanalyzer-pic
	$(call msg,EMBED,$@)
	$(Q)$(CC) $(SLOT_FLAGS) -fPIC -c $< -o $@.tmp && mv -f $@.tmp $@

LIBANALYZER_OBJS := $(patsubst libanalyzer/%.c,%.o,$(LIBANALYZER_SRCS)) embed.o
$(LIBANALYZER_A): $(addprefix $(OBJ)/libanalyzer/,$(LIBANALYZER_OBJS)) | $(BUILD)/lib
	$(call msg,AR,$@)
	$(Q)rm -f $@.tmp && ar rcsD $@.tmp $^ && mv -f $@.tmp $@

# with its link map, which the releaser reads (the SBOM): see AGENT_MAP
LIBANALYZER_MAP := $(OBJ)/libanalyzer-pic/link.map
$(LIBANALYZER_SO) $(LIBANALYZER_MAP) &: $(addprefix $(OBJ)/libanalyzer-pic/,$(LIBANALYZER_OBJS)) | $(BUILD)/lib
	$(call msg,LD,$(LIBANALYZER_SO))
	$(Q)$(CC) -shared -Wl,-soname,libanalyzer.so.1 -Wl,-z,defs $(LDFLAGS_ALL) -Wl,-Map=$(LIBANALYZER_MAP).tmp $^ \
		-o $(LIBANALYZER_SO).tmp $(BPF_LIBS) && mv -f $(LIBANALYZER_MAP).tmp $(LIBANALYZER_MAP) && \
		mv -f $(LIBANALYZER_SO).tmp $(LIBANALYZER_SO)

all: $(LIBANALYZER_A) $(LIBANALYZER_SO) $(LIBANALYZER_MAP)


$(OBJ)/libanalyzer $(OBJ)/libanalyzer-pic:
	$(Q)mkdir -p $@
