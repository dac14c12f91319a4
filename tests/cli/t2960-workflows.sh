#!/bin/bash
# .github/workflows: every file is YAML that GitHub can run as written (each
# needs: names a job, each script a run: calls is in ci/, each action is
# pinned by commit id, each workflow has a concurrency group, the signing
# key reaches one step only), hardened (no checkout keeps its token in
# .git/config; the workflow grants nothing and each job exactly the
# permissions it uses, listed below; every container pinned by digest with
# its tag in a comment), release.yml attests what it publishes with GitHub's
# own action in a job of its own (subject-checksums: the SHA256SUMS of what
# the publishing job uploads), the only one with an OIDC token; and the
# ci/ scripts pass shellcheck.
# run: once
. "$(dirname "$0")/../lib.sh"

# lint_workflows ROOT: check ROOT/.github/workflows/*.yml; prints one line
# "FILE: what is wrong" per problem and fails when there is one
lint_workflows() {
	python3 - "$1" <<-'EOF'
	import glob, os, re, sys
	import yaml

	root = sys.argv[1]
	problems = []

	# GitHub refuses a mapping with a key twice; PyYAML would keep the last
	class Loader(yaml.SafeLoader):
	    def construct_mapping(self, node, deep=False):
	        keys = [self.construct_object(k, deep=deep) for k, _ in node.value]
	        for k in keys:
	            if keys.count(k) > 1:
	                raise yaml.constructor.ConstructorError(None, None, f"key {k!r} twice", node.start_mark)
	        return super().construct_mapping(node, deep=deep)
	Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, Loader.construct_mapping)
	# what each job uses, reviewed: a job that needs more says why here
	PERMISSIONS = {
	    ("ci.yml", "build-test-guard"): {"contents": "read"},
	    ("mirror.yml", "mirror"): {"contents": "write", "actions": "write"},  # push debug, gh workflow run
	    ("mirror.yml", "report"): {"contents": "read", "issues": "write"},   # gh issue create/comment
	    ("release.yml", "build"): {"contents": "read"},
	    ("release.yml", "bpf-arm64"): {"contents": "read"},
	    ("release.yml", "sign"): {"contents": "write"},                      # gh release create/upload
	    ("release.yml", "attest"): {"contents": "read", "id-token": "write", "attestations": "write"},
	}
	ATTEST = "actions/attest-build-provenance"
	digest = re.compile(r"^([^@\s:]+(?::[^@\s]+)?)@sha256:[0-9a-f]{64}$")
	files = sorted(glob.glob(os.path.join(root, ".github/workflows/*.yml")))
	if not files:
	    problems.append("no workflow in .github/workflows")
	sha = re.compile(r"^[^@\s]+@[0-9a-f]{40}$")
	script = re.compile(r"(?:^|[\s;&|(])(\.?/?[\w./-]+\.sh)\b")
	for path in files:
	    name = os.path.relpath(path, root)
	    def bad(msg):
	        problems.append(f"{name}: {msg}")
	    text = open(path).read()
	    try:
	        doc = yaml.load(text, Loader=Loader)
	    except yaml.YAMLError as e:
	        bad(f"not YAML: {str(e).splitlines()[0]}")
	        continue
	    if not isinstance(doc, dict) or not isinstance(doc.get("jobs"), dict) or not doc["jobs"]:
	        bad("no jobs")
	        continue
	    # YAML 1.1 reads the key on as true
	    if "on" not in doc and True not in doc:
	        bad("no on: trigger")
	    conc = doc.get("concurrency")
	    if not (isinstance(conc, str) and conc) and not (isinstance(conc, dict) and conc.get("group")):
	        bad("no concurrency: group")
	    jobs = doc["jobs"]
	    top = doc.get("permissions")
	    if top != {} and not (isinstance(top, dict) and set(top.values()) <= {"read", "none"}):
	        bad(f"permissions: {top!r} at the top: grant nothing ({{}}) or read only, each job its own")
	    for job, body in jobs.items():
	        body = body or {}
	        perms = body.get("permissions")
	        want = PERMISSIONS.get((os.path.basename(path), job))
	        if not isinstance(perms, dict):
	            bad(f"job {job} has no permissions: of its own")
	        elif want is None:
	            bad(f"job {job}: its permissions are not listed as reviewed in t2960")
	        elif perms != want:
	            bad(f"job {job}: permissions {perms} are not the ones it uses {want}")
	        attests = any(str(st.get("uses", "")).startswith(ATTEST + "@") for st in body.get("steps") or [])
	        if isinstance(perms, dict) and not attests and \
	           (perms.get("id-token", "none") != "none" or perms.get("attestations", "none") != "none"):
	            bad(f"job {job}: id-token or attestations permission in a job that does not attest")
	        container = body.get("container")
	        image = container.get("image") if isinstance(container, dict) else container
	        if container is not None and not digest.match(str(image)):
	            bad(f"job {job}: container {image} is not pinned by digest (image@sha256:<64 hex>)")
	        needs = body.get("needs", [])
	        for need in [needs] if isinstance(needs, str) else needs:
	            if need not in jobs:
	                bad(f"job {job} needs {need}, which is no job")
	        for i, step in enumerate(body.get("steps") or []):
	            where = f"job {job}, step {i + 1}"
	            if ("run" in step) == ("uses" in step):
	                bad(f"{where}: a step has either run: or uses:")
	            if "uses" in step and not sha.match(str(step["uses"])):
	                bad(f"{where}: {step['uses']} is not pinned by a commit id (owner/repo@<40 hex>)")
	            if str(step.get("uses", "")).startswith("actions/checkout@") and \
	               (step.get("with") or {}).get("persist-credentials") is not False:
	                bad(f"{where}: actions/checkout without persist-credentials: false keeps the token in .git/config")
	            for s in script.findall(str(step.get("run", ""))):
	                rel = os.path.normpath(s)
	                if not rel.startswith("ci/") or not os.access(os.path.join(root, rel), os.X_OK):
	                    bad(f"{where}: runs {s}, which is no executable script in ci/")
	    # comments are not YAML: the pinned tag is read from the text
	    for n, line in enumerate(text.splitlines(), 1):
	        m = re.match(r"^\s*(?:-\s+)?uses:\s*(\S+)(.*)$", line)
	        if m and sha.match(m.group(1)) and not re.match(r"^\s*#\s*v\d", m.group(2)):
	            bad(f"line {n}: {m.group(1)} has no '# vX.Y.Z' comment naming its tag")
	        # a container's digest names its tag in a comment: "image@sha256:... # NAME:TAG"
	        m = re.match(r"^\s*(?:container|image):\s*([^\s#]+)(.*)$", line)
	        if m and digest.match(m.group(1)):
	            img = m.group(1).split("@")[0]
	            tag = re.match(r"^\s*#\s*(\S+)\s*$", m.group(2))
	            if not tag or tag.group(1).split(":")[0] != img.split(":")[0] or ":" not in tag.group(1):
	                bad(f"line {n}: {img}@sha256:... has no '# {img.split(':')[0]}:TAG' comment naming its tag")
	    # release.yml: a job of its own attests what the publishing job uploaded
	    if os.path.basename(path) == "release.yml":
	        attest = [(j, b) for j, b in jobs.items()
	                  if any(str(st.get("uses", "")).startswith(ATTEST + "@") for st in (b or {}).get("steps") or [])]
	        publish = [j for j, b in jobs.items()
	                   if any("ci/publish.sh" in str(st.get("run", "")) for st in (b or {}).get("steps") or [])]
	        if len(attest) != 1 or len(publish) != 1:
	            bad(f"{len(attest)} jobs use {ATTEST} and {len(publish)} run ci/publish.sh: want one of each")
	        else:
	            (job, body), pub = attest[0], publish[0]
	            steps = body.get("steps") or []
	            needs = body.get("needs", [])
	            if pub not in ([needs] if isinstance(needs, str) else needs):
	                bad(f"job {job} does not need {pub}, the job that publishes")
	            step = [st for st in steps if str(st.get("uses", "")).startswith(ATTEST + "@")][0]
	            if step.get("with") != {"subject-checksums": "dist/SHA256SUMS"}:
	                bad(f"job {job}: {ATTEST} takes {step.get('with')}, not subject-checksums: dist/SHA256SUMS alone")
	            got = [st for st in steps if str(st.get("uses", "")).startswith("actions/download-artifact@")]
	            put = [st for st in (jobs[pub] or {}).get("steps") or []
	                   if str(st.get("uses", "")).startswith("actions/upload-artifact@")]
	            if not got or not put or (got[0].get("with") or {}).get("name") != (put[-1].get("with") or {}).get("name") \
	               or (got[0].get("with") or {}).get("path") != "dist" \
	               or (put[-1].get("with") or {}).get("path") not in ("dist", "dist/"):
	                bad(f"job {job} does not download into dist/ what {pub} uploads from dist/")
	    # the signing key: in one step's env:, nowhere else
	    uses_key = [(job, step) for job, body in jobs.items() for step in (body or {}).get("steps") or []
	                if "secrets.RELEASER_SIGNING_KEY" in yaml.safe_dump(step)]
	    if text.count("secrets.RELEASER_SIGNING_KEY") != len(uses_key) or len(uses_key) > 1 or \
	       any("secrets.RELEASER_SIGNING_KEY" not in str((step.get("env") or {}).values()) for _, step in uses_key):
	        bad("the signing key reaches a job or workflow env:, or more than one step")
	for p in problems:
	    print(p)
	sys.exit(1 if problems else 0)
	EOF
}

# a copy of the workflows and ci/ to break
copy_tree() {
	mkdir -p t/.github
	cp -R "$ROOT/.github/workflows" t/.github/
	cp -R "$ROOT/ci" t/ci
}

test_expect_success 'the workflows pass the lint' '
	lint_workflows "$ROOT" >out
	test_cmp /dev/null out
	test "$(ls "$ROOT"/.github/workflows/*.yml | wc -l)" -ge 3
'

test_expect_success 'the lint finds a file that is not YAML, a job without trigger or concurrency' '
	copy_tree
	printf "name: x\non: [push\n" >t/.github/workflows/broken.yml
	sed -i "/^concurrency:/,/^  cancel-in-progress/d" t/.github/workflows/mirror.yml
	sed -i "s/^on:/triggers:/" t/.github/workflows/ci.yml
	sed -i "s/^          persist-credentials: false$/&\n&/" t/.github/workflows/release.yml
	expect_exit 1 lint_workflows t >out
	test_grep "^.github/workflows/broken.yml: not YAML" out
	test_grep "^.github/workflows/mirror.yml: no concurrency: group$" out
	test_grep "^.github/workflows/ci.yml: no on: trigger$" out
	test_grep "^.github/workflows/release.yml: not YAML: key .persist-credentials. twice" out
	test_line_count out 4
'

test_expect_success 'the lint finds a needs: naming no job, a step that neither runs nor uses' '
	copy_tree
	sed -i "s/^    needs: \[build, bpf-arm64\]$/    needs: [build, package]/" t/.github/workflows/release.yml
	printf "      - name: does nothing\n" >>t/.github/workflows/ci.yml
	expect_exit 1 lint_workflows t >out
	cat >expect <<-EOF
	.github/workflows/ci.yml: job build-test-guard, step 5: a step has either run: or uses:
	.github/workflows/release.yml: job sign needs package, which is no job
	EOF
	test_cmp expect out
'

test_expect_success 'the lint finds a run: calling a script that is not in ci/' '
	copy_tree
	sed -i "s|run: ci/mirror-issue.sh|run: ci/open-issue.sh|" t/.github/workflows/mirror.yml
	sed -i "s|run: ci/build-and-test.sh|run: ./scripts/build.sh \&\& ci/build-and-test.sh|" t/.github/workflows/ci.yml
	chmod -x t/ci/release.sh
	expect_exit 1 lint_workflows t >out
	test_grep "^.github/workflows/mirror.yml: job report, step 3: runs ci/open-issue.sh, which is no executable script in ci/$" out
	test_grep "^.github/workflows/ci.yml: job build-test-guard, step 4: runs ./scripts/build.sh, which is" out
	test_grep "^.github/workflows/release.yml: job build, step 5: runs ci/release.sh, which is" out
	test_grep "^.github/workflows/release.yml: job sign, step 6: runs ci/release.sh, which is" out
	test_line_count out 4
'

test_expect_success 'the lint finds an action pinned by tag, or by commit without its tag' '
	copy_tree
	sed -i "0,/uses: actions\/checkout@[0-9a-f]*.*/s//uses: actions\/checkout@v4/" t/.github/workflows/ci.yml
	sed -i "s|\(download-artifact@[0-9a-f]*\) # v4.3.0|\1|" t/.github/workflows/mirror.yml
	expect_exit 1 lint_workflows t >out
	test_grep "^.github/workflows/ci.yml: job build-test-guard, step 2: actions/checkout@v4 is not pinned" out
	test_grep "^.github/workflows/mirror.yml: line [0-9]*: actions/download-artifact@d3f86a106a0bac45b974a628896c90dbdf5c8093 has no" out
	test_line_count out 2
'

test_expect_success 'the lint finds the signing key given to a whole job' '
	copy_tree
	sed -i "s/^    permissions:$/    env:\n      KEY: \${{ secrets.RELEASER_SIGNING_KEY }}\n    permissions:/" t/.github/workflows/release.yml
	expect_exit 1 lint_workflows t >out
	echo ".github/workflows/release.yml: the signing key reaches a job or workflow env:, or more than one step" >expect
	test_cmp expect out
'

test_expect_success 'every checkout leaves no token behind; containers are pinned by digest' '
	lint_workflows "$ROOT" >out
	test_cmp /dev/null out
	# each check sees the workflows as they are
	grep -h "uses: actions/checkout@" "$ROOT"/.github/workflows/*.yml >checkouts
	test "$(grep -ch "persist-credentials: false" "$ROOT"/.github/workflows/*.yml | paste -sd+ | bc)" = \
		"$(wc -l <checkouts)"
	grep -hE "^ *(container|image): " "$ROOT"/.github/workflows/*.yml | grep -v "^ *container:$" >images
	test "$(wc -l <images)" -ge 5
	while read -r key image rest; do
		printf "%s\n" "$image" | grep -qE "^debian:12@sha256:[0-9a-f]{64}$" || return 1
		test "$rest" = "# debian:12" || return 1
	done <images
'

test_expect_success 'the lint finds a checkout keeping its token, a container pinned by tag or without its tag' '
	copy_tree
	sed -i "0,/          persist-credentials: false/s///" t/.github/workflows/ci.yml
	sed -i "0,/persist-credentials: false/s//persist-credentials: true/" t/.github/workflows/release.yml
	sed -i "s|^    container: debian:12@sha256:[0-9a-f]* # debian:12$|    container: debian:12|" t/.github/workflows/mirror.yml
	sed -i "s|^      image: \(debian:12@sha256:[0-9a-f]*\) # debian:12$|      image: \1|" t/.github/workflows/release.yml
	expect_exit 1 lint_workflows t >out
	test_grep "^.github/workflows/ci.yml: job build-test-guard, step 2: actions/checkout without persist-credentials: false" out
	test_grep "^.github/workflows/release.yml: job build, step 2: actions/checkout without persist-credentials: false" out
	test_grep "^.github/workflows/mirror.yml: job mirror: container debian:12 is not pinned by digest" out
	test_grep "^.github/workflows/release.yml: line [0-9]*: debian:12@sha256:... has no .# debian:TAG. comment" out
	test_line_count out 4
'

test_expect_success 'the lint finds permissions at the top, missing or more than a job uses' '
	copy_tree
	sed -i "s/^permissions: {}$/permissions:\n  contents: write/" t/.github/workflows/ci.yml
	sed -i "/^  report:$/,/^    steps:$/{/^    permissions:$/d;/^      contents: read$/d;/^      issues: write/d}" \
		t/.github/workflows/mirror.yml
	sed -i "0,/^      contents: read$/s//      contents: read\n      id-token: write/" t/.github/workflows/release.yml
	expect_exit 1 lint_workflows t >out
	test_grep "^.github/workflows/ci.yml: permissions: {.contents.: .write.} at the top" out
	test_grep "^.github/workflows/mirror.yml: job report has no permissions: of its own$" out
	test_grep "^.github/workflows/release.yml: job build: permissions .* are not the ones it uses" out
	test_grep "^.github/workflows/release.yml: job build: id-token or attestations permission in a job that does not attest$" out
	test_line_count out 4
'

test_expect_success 'release.yml: the attest job, pinned, after publishing, with only its permissions and input' '
	lint_workflows "$ROOT" >out
	test_cmp /dev/null out
	R=$ROOT/.github/workflows/release.yml
	test "$(grep -c "uses: actions/attest-build-provenance@" "$R")" = 1
	test_grep "^      - uses: actions/attest-build-provenance@[0-9a-f]\{40\} # v[0-9.]*$" "$R"
	test "$(grep -c "id-token: write" "$ROOT"/.github/workflows/*.yml | paste -sd+ - | sed "s/[^+]*://g" | bc)" = 1
	test "$(grep -c "attestations: write" "$R")" = 1
	# the input moved, a second input, the permission moved to another job, no needs: sign
	copy_tree
	sed -i "s|subject-checksums: dist/SHA256SUMS|subject-path: dist/*|" t/.github/workflows/release.yml
	expect_exit 1 lint_workflows t >out
	test_grep "job attest: actions/attest-build-provenance takes {.subject-path.: .dist/\*.}, not subject-checksums" out
	test_line_count out 1
	copy_tree
	sed -i "s|^          subject-checksums: dist/SHA256SUMS$|&\n          show-summary: false|" t/.github/workflows/release.yml
	sed -i "s/^    needs: sign$/    needs: build/" t/.github/workflows/release.yml
	expect_exit 1 lint_workflows t >out
	test_grep "job attest: actions/attest-build-provenance takes .*show-summary" out
	test_grep "job attest does not need sign, the job that publishes" out
	test_line_count out 2
	copy_tree
	sed -i "s/^      contents: write # gh release create \/ upload$/&\n      id-token: write/" t/.github/workflows/release.yml
	sed -i "0,/name: published$/s//name: other/" t/.github/workflows/release.yml
	expect_exit 1 lint_workflows t >out
	test_grep "job sign: permissions .* are not the ones it uses" out
	test_grep "job sign: id-token or attestations permission in a job that does not attest" out
	test_grep "job attest does not download into dist/ what sign uploads from dist/" out
	test_line_count out 3
'

test_expect_success 'the ci/ scripts pass shellcheck at -S warning' '
	shellcheck -S warning "$ROOT"/ci/*.sh
	# it does find what it should
	printf "#!/bin/sh\nrm -rf \$dir/ *\n" >bad.sh
	not shellcheck -S warning bad.sh >out
	test_grep "SC2115 (warning)" out
'
test_done
