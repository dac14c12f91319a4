# agent/: profiling-agent, and what `make install` lays out.
# Included by the top-level Makefile, after libanalyzer/build.mk.

# ---- profiling-agent ------------------------------------------------------------
# One statically linked binary (glibc included, no NSS calls); the
# sanitized build links dynamically, as ASan cannot be static.
# Every file includes the agent's others by their path under agent/
# ("unwind/table.h"), and of libanalyzer only its public header.
AGENT_SRCS := $(wildcard agent/*.c agent/*/*.c)
AGENT_OBJS := $(patsubst agent/%.c,$(OBJ)/agent/%.o,$(AGENT_SRCS))
AGENT_CPPFLAGS := -Iagent $(LIBANALYZER_CPPFLAGS) -Isupport/ebpf
AGENT_BIN  := $(BUILD)/bin/profiling-agent
# libsupc++ (gcc's, static only) brings the C++ demangler, __cxa_demangle.
ifeq ($(SANITIZE),1)
AGENT_LIBS := $(shell $(PKG_CONFIG) --libs libbpf libdw libelf zlib jansson libprotobuf-c 2>/dev/null) -lsupc++ -lm
else
AGENT_LIBS := -static $(shell $(PKG_CONFIG) --static --libs libbpf libdw libelf zlib libzstd jansson libprotobuf-c 2>/dev/null) -lsupc++ -lm
endif

$(OBJ)/agent/%.o: agent/%.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS_ALL) $(AGENT_CPPFLAGS) $(CFLAGS_ALL) -MT $@ -MF $(@:.o=.d).tmp -c $< -o $@.tmp && \
		mv -f $(@:.o=.d).tmp $(@:.o=.d) && mv -f $@.tmp $@

# agent-version.o alone embeds VERSION and COMMIT: the stamp rebuilds it when they change
VERSION_STAMP := $(BUILD)/stamps/version
$(eval $(call stamp_rule,$(VERSION_STAMP),$(VERSION) $(COMMIT)))
$(OBJ)/agent/agent-version.o: $(VERSION_STAMP)
$(OBJ)/agent/agent-version.o: CPPFLAGS_ALL += -DAGENT_VERSION='"$(VERSION)"' -DAGENT_COMMIT='"$(COMMIT)"'

# ---- agent/export: pprof and OTLP ----------------------------------------------
# profile.proto is Debian's copy (golang-github-google-pprof-dev), compiled
# with protoc-c at build time; the generated code goes under $(BUILD)/gen,
# compiled into $(OBJ)/agent/export beside the files that use it.
PPROF_PROTO   ?= /usr/share/gocode/src/github.com/google/pprof/proto/profile.proto
EXPORT_GEN    := $(BUILD)/gen/export
EXPORT_PROTOS := profile otlp-profiles
EXPORT_OBJS   := $(filter $(OBJ)/agent/export/%,$(AGENT_OBJS))
EXPORT_PB_OBJS := $(addprefix $(OBJ)/agent/export/,$(EXPORT_PROTOS:=.pb-c.o))

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
# the generated code's path (in __FILE__ and the debug info) is the same
# whatever BUILD is, so a build in another directory gives the same bytes
EXPORT_GEN_MAP := -ffile-prefix-map=$(EXPORT_GEN)=gen/export
$(eval $(call cc_rule,$(OBJ)/agent/export,$(EXPORT_GEN),$(EXPORT_GEN_MAP)))
$(EXPORT_OBJS): $(addprefix $(EXPORT_GEN)/,$(EXPORT_PROTOS:=.pb-c.h))
$(EXPORT_OBJS): AGENT_CPPFLAGS += -I$(EXPORT_GEN) $(EXPORT_GEN_MAP)

# the link map is a product of the link as much as the program: the
# releaser reads what the agent links from it (the SBOM); a build without
# one links again
AGENT_MAP := $(OBJ)/agent/link.map
$(AGENT_BIN) $(AGENT_MAP) &: $(AGENT_OBJS) $(EXPORT_PB_OBJS) $(LIBANALYZER_A) | $(BUILD)/bin $(OBJ)/agent
	$(call msg,LD,$(AGENT_BIN))
	$(Q)$(CC) $(LDFLAGS_ALL) -Wl,-Map=$(AGENT_MAP).tmp $^ -o $(AGENT_BIN).tmp $(AGENT_LIBS) && \
		mv -f $(AGENT_MAP).tmp $(AGENT_MAP) && mv -f $(AGENT_BIN).tmp $(AGENT_BIN)

all: $(AGENT_BIN) $(AGENT_MAP)

# ---- analyzer.pc ----------------------------------------------------------------
# Relocatable (prefix=${pcfiledir}/../..): the same file serves `make
# install` under any PREFIX and an unpacked release tarball. Its Version is
# PC_VERSION (the top-level Makefile); an ASan build's library needs the
# sanitizer runtime.
ANALYZER_PC := $(BUILD)/lib/pkgconfig/analyzer.pc
PC_STAMP    := $(BUILD)/stamps/analyzer-pc
$(eval $(call stamp_rule,$(PC_STAMP),$(PC_VERSION) $(SANITIZE)))

$(ANALYZER_PC): libanalyzer/analyzer.pc.in $(PC_STAMP)
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
	$(call install_file,0644,libanalyzer/include/analyzer.h,$(INSTALL_DIR)/include)
	$(call install_file,0644,$(FRAMETYPES_H),$(INSTALL_DIR)/include/analyzer)
	$(call install_file,0644,support/frametypes.json,$(INSTALL_DIR)/share/analyzer)
	$(Q)for o in $(EBPF_INSTALL); do \
		install -m 0644 $$o $(INSTALL_DIR)/share/analyzer/.$${o##*/}.tmp && \
		mv -f $(INSTALL_DIR)/share/analyzer/.$${o##*/}.tmp $(INSTALL_DIR)/share/analyzer/$${o##*/} || exit 1; \
	done
	$(call install_file,0644,LICENSE,$(DOC_DIR))
	$(call install_file,0644,README.md,$(DOC_DIR))
