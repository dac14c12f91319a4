# agent/: libanalyzer (static and shared) with the embedded analyzer slots.
# Included by the top-level Makefile.

LIBANALYZER_SRCS := analyzer.c object-info.c slots.c
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

$(eval $(call cc_rule,$(OBJ)/agent,agent,))
$(eval $(call cc_rule,$(OBJ)/agent-pic,agent,-fPIC))

$(OBJ)/agent/slots.o $(OBJ)/agent-pic/slots.o: $(FEATURES_STAMP)
$(OBJ)/agent/slots.o $(OBJ)/agent-pic/slots.o: CPPFLAGS_ALL += $(SLOT_FLAGS)

$(OBJ)/agent/embed.o $(OBJ)/agent-pic/embed.o: agent/embed.S $(SLOT_DEPS) $(FEATURES_STAMP) | $(OBJ)/agent $(OBJ)/agent-pic
	$(call msg,EMBED,$@)
	$(Q)$(CC) $(SLOT_FLAGS) -fPIC -c $< -o $@.tmp && mv -f $@.tmp $@

$(LIBANALYZER_A): $(addprefix $(OBJ)/agent/,$(LIBANALYZER_SRCS:.c=.o) embed.o) | $(BUILD)/lib
	$(call msg,AR,$@)
	$(Q)rm -f $@.tmp && ar rcsD $@.tmp $^ && mv -f $@.tmp $@

$(LIBANALYZER_SO): $(addprefix $(OBJ)/agent-pic/,$(LIBANALYZER_SRCS:.c=.o) embed.o) | $(BUILD)/lib
	$(call msg,LD,$@)
	$(Q)$(CC) -shared -Wl,-soname,libanalyzer.so.1 -Wl,-z,defs $(LDFLAGS_ALL) $^ -o $@.tmp $(BPF_LIBS) && mv -f $@.tmp $@

all: $(LIBANALYZER_A) $(LIBANALYZER_SO)

# ---- profiling-agent ------------------------------------------------------------
# One statically linked binary (glibc included, no NSS calls); the
# sanitized build links dynamically, as ASan cannot be static.
AGENT_SRCS := main.c options.c session.c agent-version.c log.c aggregate.c symbolize.c \
	      kallsyms.c procmaps.c elfsyms.c frames.c folded.c json.c output.c debug-line.c \
	      unwind.c unwind-loader.c
AGENT_BIN  := $(BUILD)/bin/profiling-agent
# libsupc++ (gcc's, static only) brings the C++ demangler, __cxa_demangle.
ifeq ($(SANITIZE),1)
AGENT_LIBS := $(shell $(PKG_CONFIG) --libs libbpf libdw libelf zlib jansson libprotobuf-c 2>/dev/null) -lsupc++ -lm
else
AGENT_LIBS := -static $(shell $(PKG_CONFIG) --static --libs libbpf libdw libelf zlib libzstd jansson libprotobuf-c 2>/dev/null) -lsupc++ -lm
endif

# agent-version.o alone embeds VERSION and COMMIT: the stamp rebuilds it when they change
VERSION_STAMP := $(BUILD)/stamps/version
$(eval $(call stamp_rule,$(VERSION_STAMP),$(VERSION) $(COMMIT)))
$(OBJ)/agent/agent-version.o: $(VERSION_STAMP)
$(OBJ)/agent/agent-version.o: CPPFLAGS_ALL += -DAGENT_VERSION='"$(VERSION)"' -DAGENT_COMMIT='"$(COMMIT)"'

# ---- agent/export: pprof and OTLP ----------------------------------------------
# profile.proto is Debian's copy (golang-github-google-pprof-dev), compiled
# with protoc-c at build time; the generated code goes under $(BUILD)/gen.
PPROF_PROTO  ?= /usr/share/gocode/src/github.com/google/pprof/proto/profile.proto
EXPORT_GEN   := $(BUILD)/gen/export
EXPORT_SRCS  := intern.c model.c gzip.c pprof.c sink.c endpoint.c otlp.c otlp-encode.c utf8.c
EXPORT_PROTOS := profile otlp-profiles
EXPORT_OBJS  := $(addprefix $(OBJ)/agent/export/,$(EXPORT_SRCS:.c=.o) $(EXPORT_PROTOS:=.pb-c.o))

$(EXPORT_GEN)/profile.pb-c.c $(EXPORT_GEN)/profile.pb-c.h &: $(PPROF_PROTO)
	$(Q)mkdir -p $(EXPORT_GEN)
	$(call msg,PROTOC,$@)
	$(Q)protoc-c --c_out=$(EXPORT_GEN) -I$(dir $(PPROF_PROTO)) $(notdir $(PPROF_PROTO))

# the project's own subset of OTLP's profiles .proto (opentelemetry-proto v1.11.0's wire format)
$(EXPORT_GEN)/otlp-profiles.pb-c.c $(EXPORT_GEN)/otlp-profiles.pb-c.h &: agent/export/otlp-profiles.proto
	$(Q)mkdir -p $(EXPORT_GEN)
	$(call msg,PROTOC,$@)
	$(Q)protoc-c --c_out=$(EXPORT_GEN) -Iagent/export otlp-profiles.proto

$(OBJ)/agent/export:
	$(Q)mkdir -p $@
$(eval $(call cc_rule,$(OBJ)/agent/export,agent/export,-I$(EXPORT_GEN)))
$(eval $(call cc_rule,$(OBJ)/agent/export,$(EXPORT_GEN),))
$(addprefix $(OBJ)/agent/export/,$(EXPORT_SRCS:.c=.o)): $(addprefix $(EXPORT_GEN)/,$(EXPORT_PROTOS:=.pb-c.h))
$(OBJ)/agent/session.o $(OBJ)/agent/options.o: CPPFLAGS_ALL += -Iagent/export -I$(EXPORT_GEN)

$(AGENT_BIN): $(addprefix $(OBJ)/agent/,$(AGENT_SRCS:.c=.o)) $(EXPORT_OBJS) $(LIBANALYZER_A) | $(BUILD)/bin
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS_ALL) $^ -o $@.tmp $(AGENT_LIBS) && mv -f $@.tmp $@

all: $(AGENT_BIN)

# ---- analyzer.pc ----------------------------------------------------------------
# Relocatable (prefix=${pcfiledir}/../..): the same file serves `make
# install` under any PREFIX and an unpacked release tarball. Its Version is
# PC_VERSION (the top-level Makefile); an ASan build's library needs the
# sanitizer runtime.
ANALYZER_PC := $(BUILD)/lib/pkgconfig/analyzer.pc
PC_STAMP    := $(BUILD)/stamps/analyzer-pc
$(eval $(call stamp_rule,$(PC_STAMP),$(PC_VERSION) $(SANITIZE)))

$(ANALYZER_PC): agent/analyzer.pc.in $(PC_STAMP)
	$(Q)mkdir -p $(dir $@)
	$(call msg,GEN,$@)
	$(Q)sed -e 's|@VERSION@|$(PC_VERSION)|' \
		-e 's|@SANITIZE_LIBS@|$(if $(filter 1,$(SANITIZE)),$(SAN_FLAGS))|' $< >$@.tmp && mv -f $@.tmp $@

all: $(ANALYZER_PC)

# ---- install ----------------------------------------------------------------------
# make install PREFIX=/usr/local DESTDIR=: the SDK prefix a release tarball
# holds, file for file (releaser/release/layout.h; the tarball adds only
# share/doc/profiling-agent/BUILDINFO). Each file lands under a temporary
# name and is renamed into place; directories 0755, programs and libraries
# 0755, the rest 0644. The shared library is installed as its SONAME,
# libanalyzer.so.1, with the link-time name libanalyzer.so -> libanalyzer.so.1,
# as Debian does.
PREFIX ?= /usr/local
INSTALL_DIR := $(DESTDIR)$(PREFIX)
DOC_DIR     := $(INSTALL_DIR)/share/doc/profiling-agent
# the analyzer objects of the branch policy: a debug branch ships only the fake release
EBPF_INSTALL := $(foreach a,$(ARCHES),$(BUILD)/ebpf/analyzer.ebpf.release.$(a) \
		$(if $(EBPF_FLAGS),,$(BUILD)/ebpf/analyzer.ebpf.debug.$(a)))

# $(call install_file,MODE,SRC,DIR[,NAME]): install SRC as DIR/NAME (default:
# its own name), atomically
define install_file
	$(Q)install -m $(1) $(2) $(3)/.$(or $(4),$(notdir $(2))).tmp && \
		mv -f $(3)/.$(or $(4),$(notdir $(2))).tmp $(3)/$(or $(4),$(notdir $(2)))
endef

install: all $(ANALYZER_PC)
	$(call msg,INSTALL,$(INSTALL_DIR))
	$(Q)install -d -m 0755 $(INSTALL_DIR)/bin $(INSTALL_DIR)/lib/pkgconfig $(INSTALL_DIR)/include/analyzer \
		$(INSTALL_DIR)/share/analyzer $(DOC_DIR)
	$(call install_file,0755,$(AGENT_BIN),$(INSTALL_DIR)/bin)
	$(call install_file,0644,$(LIBANALYZER_A),$(INSTALL_DIR)/lib)
	$(call install_file,0755,$(LIBANALYZER_SO),$(INSTALL_DIR)/lib,libanalyzer.so.1)
	$(Q)ln -sfn libanalyzer.so.1 $(INSTALL_DIR)/lib/.libanalyzer.so.tmp && \
		mv -Tf $(INSTALL_DIR)/lib/.libanalyzer.so.tmp $(INSTALL_DIR)/lib/libanalyzer.so
	$(call install_file,0644,$(ANALYZER_PC),$(INSTALL_DIR)/lib/pkgconfig)
	$(call install_file,0644,agent/analyzer.h,$(INSTALL_DIR)/include)
	$(call install_file,0644,$(FRAMETYPES_H),$(INSTALL_DIR)/include/analyzer)
	$(call install_file,0644,support/frametypes.json,$(INSTALL_DIR)/share/analyzer)
	$(Q)for o in $(EBPF_INSTALL); do \
		install -m 0644 $$o $(INSTALL_DIR)/share/analyzer/.$${o##*/}.tmp && \
		mv -f $(INSTALL_DIR)/share/analyzer/.$${o##*/}.tmp $(INSTALL_DIR)/share/analyzer/$${o##*/} || exit 1; \
	done
	$(call install_file,0644,LICENSE,$(DOC_DIR))
	$(call install_file,0644,README.md,$(DOC_DIR))
