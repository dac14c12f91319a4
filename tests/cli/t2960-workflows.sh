#!/bin/bash
# .github/workflows: every file is YAML that GitHub can run as written (each
# needs: names a job, each script a run: calls is in ci/, each action is
# pinned by commit id, each workflow has a concurrency group, the signing
# key reaches one step only), and the ci/ scripts pass shellcheck.
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
	        doc = yaml.safe_load(text)
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
	    for job, body in jobs.items():
	        body = body or {}
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
	            for s in script.findall(str(step.get("run", ""))):
	                rel = os.path.normpath(s)
	                if not rel.startswith("ci/") or not os.access(os.path.join(root, rel), os.X_OK):
	                    bad(f"{where}: runs {s}, which is no executable script in ci/")
	    # comments are not YAML: the pinned tag is read from the text
	    for n, line in enumerate(text.splitlines(), 1):
	        m = re.match(r"^\s*(?:-\s+)?uses:\s*(\S+)(.*)$", line)
	        if m and sha.match(m.group(1)) and not re.match(r"^\s*#\s*v\d", m.group(2)):
	            bad(f"line {n}: {m.group(1)} has no '# vX.Y.Z' comment naming its tag")
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
	expect_exit 1 lint_workflows t >out
	test_grep "^.github/workflows/broken.yml: not YAML" out
	test_grep "^.github/workflows/mirror.yml: no concurrency: group$" out
	test_grep "^.github/workflows/ci.yml: no on: trigger$" out
	test_line_count out 3
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

test_expect_success 'the ci/ scripts pass shellcheck at -S warning' '
	shellcheck -S warning "$ROOT"/ci/*.sh
	# it does find what it should
	printf "#!/bin/sh\nrm -rf \$dir/ *\n" >bad.sh
	not shellcheck -S warning bad.sh >out
	test_grep "SC2115 (warning)" out
'
test_done
