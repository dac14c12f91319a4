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
