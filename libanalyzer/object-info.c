/* Reads an analyzer object's identity from its ELF, with libelf. */
#include "analyzer.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analyzer_shared.h"

static int set_field(struct analyzer_object_info *info, const char *key, const char *val)
{
	char *end;

	if (!strcmp(key, "flavor"))
		return snprintf(info->flavor, sizeof(info->flavor), "%s", val) < (int)sizeof(info->flavor) ? 1 : -1;
	if (!strcmp(key, "arch"))
		return snprintf(info->arch, sizeof(info->arch), "%s", val) < (int)sizeof(info->arch) ? 2 : -1;
	if (!strcmp(key, "source"))
		return snprintf(info->source, sizeof(info->source), "%s", val) < (int)sizeof(info->source) ? 0 : -1;
	if (!strcmp(key, "abi")) {
		long v = strtol(val, &end, 10);
		if (*val == '\0' || *end || v < 0 || v > 1000000)
			return -1;
		info->abi = (int)v;
		return 4;
	}
	return 0; /* unknown keys are for later versions */
}

int analyzer_object_info_parse(const char *text, size_t len, struct analyzer_object_info *info)
{
	char buf[512], *line, *save = NULL;
	int have = 0, bit;

	memset(info, 0, sizeof(*info));
	info->abi = -1;
	len = strnlen(text, len);
	if (len >= sizeof(buf))
		return -1;
	memcpy(buf, text, len);
	buf[len] = '\0';
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *eq = strchr(line, '=');

		if (!eq)
			return -1;
		*eq = '\0';
		bit = set_field(info, line, eq + 1);
		if (bit < 0)
			return -1;
		have |= bit;
	}
	if (have != 7 || info->flavor[0] == '\0' || info->arch[0] == '\0')
		return -1;
	if (strcmp(info->flavor, "release") && strcmp(info->flavor, "debug"))
		return -1;
	return 0;
}

static int find_section(Elf *elf, Elf_Data **out)
{
	size_t shstrndx;
	Elf_Scn *scn = NULL;

	if (elf_getshdrstrndx(elf, &shstrndx) != 0)
		return -1;
	while ((scn = elf_nextscn(elf, scn)) != NULL) {
		GElf_Shdr sh;
		const char *name;

		if (!gelf_getshdr(scn, &sh))
			return -1;
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (name && !strcmp(name, ANALYZER_INFO_SECTION)) {
			*out = elf_getdata(scn, NULL);
			return *out ? 0 : -1;
		}
	}
	return -1;
}

int analyzer_object_info_from_memory(const void *data, size_t size, struct analyzer_object_info *info,
			   char *err, size_t errlen)
{
	Elf *elf = NULL;
	Elf_Data *d = NULL;
	int ret = -1;

	if (elf_version(EV_CURRENT) == EV_NONE) {
		snprintf(err, errlen, "libelf: %s", elf_errmsg(-1));
		return -1;
	}
	elf = elf_memory((char *)data, size);
	if (!elf || elf_kind(elf) != ELF_K_ELF) {
		snprintf(err, errlen, "not an ELF object");
		goto cleanup;
	}
	if (find_section(elf, &d) < 0) {
		snprintf(err, errlen, "no %s section: not an analyzer object", ANALYZER_INFO_SECTION);
		goto cleanup;
	}
	if (analyzer_object_info_parse(d->d_buf, d->d_size, info) < 0) {
		snprintf(err, errlen, "malformed %s section", ANALYZER_INFO_SECTION);
		goto cleanup;
	}
	ret = 0;
cleanup:
	if (elf)
		elf_end(elf);
	return ret;
}

int analyzer_object_info_from_file(const char *path, struct analyzer_object_info *info, char *err, size_t errlen)
{
	char reason[256];
	void *buf = NULL;
	struct stat st;
	ssize_t n;
	size_t got = 0;
	int fd, ret = -1;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 || fstat(fd, &st) < 0) {
		snprintf(err, errlen, "cannot read '%s': %s", path, strerror(errno));
		goto cleanup;
	}
	buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!buf) {
		snprintf(err, errlen, "cannot read '%s': out of memory", path);
		goto cleanup;
	}
	while (got < (size_t)st.st_size) {
		n = read(fd, (char *)buf + got, (size_t)st.st_size - got);
		if (n <= 0) {
			snprintf(err, errlen, "cannot read '%s': %s", path, n < 0 ? strerror(errno) : "short read");
			goto cleanup;
		}
		got += (size_t)n;
	}
	if (analyzer_object_info_from_memory(buf, got, info, reason, sizeof(reason)) < 0) {
		snprintf(err, errlen, "'%s': %s", path, reason);
		goto cleanup;
	}
	ret = 0;
cleanup:
	free(buf);
	if (fd >= 0)
		close(fd);
	return ret;
}
