/*
 * Debian control data (Debian Policy 5 and 7): the rules a value must
 * obey to go into a binary package's control file, and the one writer of
 * its fields. Every check returns NULL when the value obeys the rule,
 * else why not: a phrase that names what is wrong and fits after
 * "'VALUE' is not ...: " (static storage, or why[] when one is taken).
 *
 * A field is written as "Name: first line", then each further line of a
 * multi-line value after one space, an empty line as " .": so a value
 * that debian_check_value took parses back to itself, and the paragraph
 * never holds an empty line.
 */
#ifndef RELEASER_DEBIAN_H
#define RELEASER_DEBIAN_H

#include <stddef.h>

/* the longest package name the releaser writes: it names files too */
#define DEBIAN_PACKAGE_MAX 64

/* debian_check_package: a package name, [a-z0-9][a-z0-9+.-]+, at most DEBIAN_PACKAGE_MAX bytes */
const char *debian_check_package(const char *name);

/*
 * debian_check_version: a version, [EPOCH:]UPSTREAM[-REVISION]: EPOCH
 * digits; UPSTREAM a digit first, then letters, digits and ".+~-";
 * REVISION letters, digits and ".+~".
 */
const char *debian_check_version(const char *version);

/*
 * debian_check_relations: a relationship field of a binary package
 * (Depends, Recommends, ...; Policy 7.1): entries separated by ',', each
 * alternatives separated by '|', each "PACKAGE[:ARCH] [(OP VERSION)]"
 * with OP one of << <= = >= >>. Architecture lists ([amd64]) and build
 * profiles (<!nocheck>) belong to source packages, and substitution
 * variables (${shlibs:Depends}) to dpkg-gencontrol: all are refused, as
 * are control characters. The reason goes into why[len]; returns NULL or why.
 */
const char *debian_check_relations(const char *s, char *why, size_t len);

/*
 * debian_check_maintainer: "NAME <EMAIL>", UTF-8 without control
 * characters; NAME without '<', '>' or ',', EMAIL LOCAL@DOMAIN of
 * printable ASCII without space, '<', '>' or ','.
 */
const char *debian_check_maintainer(const char *s);

/* debian_check_homepage: an http:// or https:// URL of printable ASCII without space, '<', '>' or '"' */
const char *debian_check_homepage(const char *s);

/* debian_check_field_name: printable ASCII, no ':' or space, not starting with '#' or '-' */
const char *debian_check_field_name(const char *name);

/*
 * debian_check_value: a field value the writer keeps as it is: UTF-8
 * without control characters but '\n' (only when multiline); the first
 * line not empty and without space at either end; no line ending in a
 * space; no further line starting with '.' (an empty one is written " .")
 * and no empty last line.
 */
const char *debian_check_value(const char *value, int multiline);

/*
 * debian_field returns the field name: value as the control file holds
 * it, ending in '\n' (caller frees). name and value must have passed the
 * checks above.
 */
char *debian_field(const char *name, const char *value);

#endif /* RELEASER_DEBIAN_H */
