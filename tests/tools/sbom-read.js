#!/usr/bin/env node
// A second reader of an SPDX 2.3 JSON document, independent of the
// releaser's writer: every purl is parsed by packageurl-js (the purl
// specification's JavaScript implementation), its qualifiers sorted as the
// specification wants; every CPE must match the CPE 2.3 formatted-string grammar (NISTIR
// 7695's regular expression).
//
// Usage: sbom-read.js SBOM
//        sbom-read.js --links SBOM
// Prints one line per package that has external references, fields
// separated by tabs:
//   SPDXID  name  versionInfo  purl-type  purl-namespace  purl-name
//   purl-version  arch  distro  upstream  subpath  cpe (or -)
// (an absent part as -), and exits 0; or prints "sbom-read: PROBLEM" on
// stderr for each problem and exits 1.
// With --links it reads the whole document as a graph instead: every
// element has a unique SPDXID, every package its required fields (name,
// versionInfo, downloadLocation, license, a SHA256 of 64 hex digits where a
// checksum is given), each license an SPDX license expression as
// spdx-expression-parse reads it (against the SPDX license list) unless
// NOASSERTION or NONE, every relationship names elements that exist; and
// prints each relationship as "A<TAB>TYPE<TAB>B", an element written as its
// name, with [ARCH] from its purl's arch qualifier when it has one (the
// document itself as DOCUMENT), sorted.
'use strict';

const fs = require('fs');
const { PackageURL } = require('packageurl-js');
const parseLicense = require('spdx-expression-parse');

const CPE23 = new RegExp('^cpe:2\\.3:[aho\\*\\-](:(((\\?*|\\*?)([a-zA-Z0-9\\-\\._]|(\\\\[\\\\\\*\\?!"#$$%&\'\\(\\)\\+,/:;<=>@\\[\\]\\^`\\{\\|}~]))+(\\?*|\\*?))|[\\*\\-])){5}(:(([a-zA-Z]{2,3}(-([a-zA-Z]{2}|[0-9]{3}))?)|[\\*\\-]))(:(((\\?*|\\*?)([a-zA-Z0-9\\-\\._]|(\\\\[\\\\\\*\\?!"#$$%&\'\\(\\)\\+,/:;<=>@\\[\\]\\^`\\{\\|}~]))+(\\?*|\\*?))|[\\*\\-])){4}$');

function main(path) {
	const doc = JSON.parse(fs.readFileSync(path, 'utf8'));
	const problems = [];
	for (const p of doc.packages || []) {
		const refs = p.externalRefs || [];
		if (!refs.length)
			continue;
		const purls = refs.filter((r) => r.referenceCategory === 'PACKAGE-MANAGER' && r.referenceType === 'purl');
		const cpes = refs.filter((r) => r.referenceCategory === 'SECURITY' && r.referenceType === 'cpe23Type');
		if (purls.length !== 1) {
			problems.push(`${p.SPDXID}: ${purls.length} purls, not one`);
			continue;
		}
		let u;
		try {
			u = PackageURL.fromString(purls[0].referenceLocator);
		} catch (e) {
			problems.push(`${p.SPDXID}: purl ${purls[0].referenceLocator}: ${e.message}`);
			continue;
		}
		// the purl spec wants qualifier keys sorted (and lower-case, which the parser checks)
		const keys = (purls[0].referenceLocator.split('#')[0].split('?')[1] || '').split('&').filter((k) => k)
			.map((kv) => kv.split('=')[0]);
		if (keys.join('&') !== [...keys].sort().join('&'))
			problems.push(`${p.SPDXID}: purl ${purls[0].referenceLocator}: qualifiers are not sorted`);
		for (const c of cpes)
			if (!CPE23.test(c.referenceLocator))
				problems.push(`${p.SPDXID}: ${c.referenceLocator} is not a CPE 2.3 formatted string`);
		const q = u.qualifiers || {};
		const f = (v) => (v === undefined || v === null || v === '' ? '-' : v);
		console.log([p.SPDXID, p.name, p.versionInfo, u.type, f(u.namespace), u.name, f(u.version), f(q.arch),
			f(q.distro), f(q.upstream), f(u.subpath), cpes.length ? cpes.map((c) => c.referenceLocator).join(' ') : '-'
		].join('\t'));
	}
	for (const m of problems)
		process.stderr.write(`sbom-read: ${m}\n`);
	process.exitCode = problems.length ? 1 : 0;
}

function links(path) {
	const doc = JSON.parse(fs.readFileSync(path, 'utf8'));
	const problems = [];
	const label = new Map([[doc.SPDXID, 'DOCUMENT']]);
	if (doc.SPDXID !== 'SPDXRef-DOCUMENT')
		problems.push(`the document's SPDXID is ${doc.SPDXID}`);
	for (const p of doc.packages || []) {
		if (label.has(p.SPDXID))
			problems.push(`${p.SPDXID} is not unique`);
		for (const f of ['name', 'versionInfo', 'downloadLocation', 'licenseDeclared', 'licenseConcluded', 'copyrightText'])
			if (typeof p[f] !== 'string' || p[f] === '')
				problems.push(`${p.SPDXID}: no ${f}`);
		for (const f of ['licenseDeclared', 'licenseConcluded']) {
			if (typeof p[f] !== 'string' || p[f] === 'NOASSERTION' || p[f] === 'NONE')
				continue;
			try {
				parseLicense(p[f]);
			} catch (e) {
				problems.push(`${p.SPDXID}: ${f} ${p[f]} is no SPDX license expression: ${e.message}`);
			}
		}
		for (const c of p.checksums || [])
			if (c.algorithm === 'SHA256' && !/^[0-9a-f]{64}$/.test(c.checksumValue))
				problems.push(`${p.SPDXID}: SHA256 ${c.checksumValue} is not 64 hex digits`);
		const purl = (p.externalRefs || []).find((r) => r.referenceType === 'purl');
		let arch = '';
		if (purl) {
			try {
				const q = PackageURL.fromString(purl.referenceLocator).qualifiers || {};
				arch = q.arch ? `[${q.arch}]` : '';
			} catch (e) {
				problems.push(`${p.SPDXID}: purl ${purl.referenceLocator}: ${e.message}`);
			}
		}
		label.set(p.SPDXID, p.name + arch);
	}
	const lines = [];
	for (const r of doc.relationships || []) {
		for (const id of [r.spdxElementId, r.relatedSpdxElement])
			if (!label.has(id))
				problems.push(`a ${r.relationshipType} relationship names ${id}, which is no element`);
		if (label.has(r.spdxElementId) && label.has(r.relatedSpdxElement))
			lines.push([label.get(r.spdxElementId), r.relationshipType, label.get(r.relatedSpdxElement)].join('\t'));
	}
	if (new Set(lines).size !== lines.length)
		problems.push('a relationship is there twice');
	for (const l of lines.sort())
		console.log(l);
	for (const m of problems)
		process.stderr.write(`sbom-read: ${m}\n`);
	process.exitCode = problems.length ? 1 : 0;
}

if (process.argv.length === 4 && process.argv[2] === '--links') {
	links(process.argv[3]);
} else if (process.argv.length === 3) {
	main(process.argv[2]);
} else {
	process.stderr.write('usage: sbom-read.js [--links] SBOM\n');
	process.exit(2);
}
