#!/usr/bin/env python3
"""The "bad input" proof of issue #15: every malformed input gets a clear error, the process
survives, and the ledger keeps its head.

    python3 Tools/proofs/bad-input.py --grants .build/debug/grants [--workdir DIR] [--only TEXT] [--show]

The corpus is Tools/proofs/bad-input/: one input a file (a .gz one is sent decompressed), and
EXPECTED.tsv: file, target, a substring the error must hold (parts separated by ` … `, in order).
Targets: `append` (grants append FILE); `http` / `http-json` (POST /v1/events of grants serve, as
application/x-ndjson / application/json); `import FORMAT MAPPING` (grants import FORMAT FILE
--mapping Tools/mappings/MAPPING.yaml); `mapping FORMAT FEED` (the input is the mapping). An HTTP
answer is matched as `error: message`, then `:LINE: PATH: message` per issue (the form the command
line prints after the file's name), then any other details as JSON.

On a small valid ledger, with a service started on it, every row must give: a non-zero exit, not
by a signal, without "Fatal error", SQL or stack (or a 4xx JSON error without those or a server
path, the service still answering /health), under 256 KiB, holding the expected substring; and,
once an input has gone to its targets, the same `grants verify` head (position:hash, events).
`--manifest findings/FINDINGS.tsv --show` replays the inputs whose answer is not right yet.
"""
import argparse, gzip, http.client, json, os, re, shutil, socket, subprocess, sys, tempfile, time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(REPO, 'Tools', 'proofs', 'bad-input')
TIMEOUT = 60
MAX_OUTPUT = 256 * 1024   # a message is for a person: one that echoes megabytes is not clear
# What must never reach an HTTP answer (and, but for paths, a command's output).
LEAKS = [r'SQLite error', r'sqlite3?_', r'SQLITE_', r'\b(INSERT INTO|SELECT .* FROM|CREATE TABLE|UPDATE \w+ SET)\b',
         r'Fatal error', r'Stack dump', r'\.swift:\d+', r'0x[0-9a-f]{12,}', r'GRDB', r'DatabaseError']
SERVER_PATHS = [r'/(work|tmp|home|root|usr|var|private)/', r'\.sqlite', r'\.key\b']


def run(grants, args):
    """Runs grants from the repository's root; returns (exit status, stdout and stderr as text)."""
    p = subprocess.run([grants] + args, cwd=REPO, stdin=subprocess.DEVNULL, capture_output=True, timeout=TIMEOUT)
    return p.returncode, (p.stdout + p.stderr).decode('utf-8', 'replace')


def must(grants, args):
    rc, out = run(grants, args)
    if rc != 0:
        sys.exit(f'bad-input: setting up failed: grants {" ".join(args)}: exit {rc}\n{out}')
    return out


def head(grants, db):
    """The ledger's head as `position:hash (N events)`, from grants verify."""
    rc, out = run(grants, ['verify', '--db', db, '--json'])
    v = json.loads(out.strip().splitlines()[-1]) if rc == 0 else {}
    if not v.get('intact'):
        return f'NOT INTACT (exit {rc}): {out.strip()[:300]}'
    return f"{v['headPosition']}:{v['headHash']} ({v['eventsChecked']} events)"


def only_days_opened(grants, db, before):
    """Whether every event after the head `before` is the service's ledger.day-opened (at midnight)."""
    if not before[:1].isdigit():
        return False
    rc, out = run(grants, ['events', '--from', str(int(before.split(':')[0]) + 1), '--json', '--db', db])
    types = [json.loads(ln).get('type') for ln in out.split('\n') if ln.startswith('{')]
    return rc == 0 and bool(types) and all(t == 'ledger.day-opened' for t in types)


def request(port, method, path, body=None, headers=None):
    c = http.client.HTTPConnection('127.0.0.1', port, timeout=TIMEOUT)
    try:
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        return r.status, r.read().decode('utf-8', 'replace')
    finally:
        c.close()


def healthy(port):
    try:
        return request(port, 'GET', '/health')[0] == 200
    except OSError:
        return False


def rendered(body):
    """An HTTP error answer as text: `error: message`, then `:LINE: PATH: message` per issue."""
    try:
        a = json.loads(body)
    except ValueError:
        return None
    if not isinstance(a, dict) or not isinstance(a.get('error'), str) or not isinstance(a.get('message'), str):
        return None
    details = a.get('details') if isinstance(a.get('details'), dict) else {}
    text = [f"{a['error']}: {a['message']}"]
    text += [f":{i.get('line')}: {i.get('path')}: {i.get('message')}" for i in details.get('issues', [])]
    if set(details) - {'issues'}:
        text.append(json.dumps({k: v for k, v in details.items() if k != 'issues'}, ensure_ascii=False))
    return '\n'.join(text)


def materialise(name, work):
    """The input's path: the corpus file, or its decompressed copy in the work folder."""
    path = os.path.join(CORPUS, name)
    if not name.endswith('.gz'):
        return path
    plain = os.path.join(work, 'inputs', name[:-3])
    os.makedirs(os.path.dirname(plain), exist_ok=True)
    with gzip.open(path) as f, open(plain, 'wb') as out:
        out.write(f.read())
    return plain


def holds(text, expected):
    """Whether text holds the parts of expected (separated by ' … ') in that order."""
    return re.search('.*?'.join(re.escape(part) for part in expected.split(' … ')), text, re.S) is not None


def leak(text, patterns):
    """The first pattern of internals that text holds, or None."""
    return next((p for p in patterns if re.search(p, text)), None)


def check_cli(rc, out):
    if rc < 0 or rc >= 128:
        return f'killed by a signal (exit {rc})'
    if rc == 0:
        return 'exit status 0: the input was accepted'
    if len(out) > MAX_OUTPUT:
        return f'the output has {len(out)} characters'
    if leak(out, LEAKS):
        return f'the output holds internals ({leak(out, LEAKS)})'
    return None


def check_http(status, body, port, server):
    if not 400 <= status < 500:
        return f'HTTP {status}, not 4xx'
    if len(body) > MAX_OUTPUT:
        return f'the answer has {len(body)} characters'
    if leak(body, LEAKS + SERVER_PATHS):
        return f'the answer holds internals ({leak(body, LEAKS + SERVER_PATHS)})'
    if rendered(body) is None:
        return 'the answer is not the JSON {error, message, details}'
    if server.poll() is not None or not healthy(port):
        return 'the service no longer answers /health'
    return None


def attempt(grants, db, work, port, token, server, name, target):
    """Sends one input to its target; returns (what is wrong or None, the output as text)."""
    path, kind = materialise(name, work), target.split()[0]
    if kind in ('http', 'http-json'):
        ctype = 'application/json' if kind == 'http-json' else 'application/x-ndjson'
        with open(path, 'rb') as f:
            try:
                status, body = request(port, 'POST', '/v1/events', f.read(),
                                       {'Authorization': 'Bearer ' + token, 'Content-Type': ctype})
            except OSError as e:
                return f'no answer: {e}', ''
        return check_http(status, body, port, server), f'HTTP {status}\n{rendered(body) or body}'
    errors = ['--quiet', '--errors', os.path.join(work, 'import.errors')]
    if kind == 'append':
        args = ['append', path]
    elif kind == 'import':                       # import FORMAT MAPPING
        args = ['import', target.split()[1], path, '--mapping', f'Tools/mappings/{target.split()[2]}.yaml'] + errors
    elif kind == 'mapping':                      # mapping FORMAT FEED
        args = ['import', target.split()[1], target.split()[2], '--mapping', path] + errors
    else:
        sys.exit(f'bad-input: {name}: unknown target {target!r}')
    try:
        rc, text = run(grants, args + ['--db', db])
    except subprocess.TimeoutExpired:
        return f'did not finish within {TIMEOUT} s', ''
    return check_cli(rc, text), f'exit {rc}\n{text}'


def read_manifest(manifest, only):
    rows = []
    with open(os.path.join(CORPUS, manifest), encoding='utf-8') as f:
        for n, ln in enumerate(f, 1):
            if ln.strip() and not ln.startswith('#'):
                name, target, expected = (ln.rstrip('\n').split('\t') + ['', ''])[:3]
                if not os.path.isfile(os.path.join(CORPUS, name)):
                    sys.exit(f'bad-input: {manifest}:{n}: no file {name}')
                if not only or only in name:
                    rows.append((name, target, expected))
    return rows


def build_ledger(grants, db, work):
    """A small valid ledger: the schema examples (37 events) and the mapping samples (21 rows)."""
    for suffix in ('', '-wal', '-shm', '.key'):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    must(grants, ['init', '--db', db])
    must(grants, ['append', 'EventSchemas/examples/valid.jsonl', '--skip-projections', '--db', db])
    for fmt, feed, mapping in [('csv', 'si-months.csv', 'si-months'), ('csv', 'finance-payments.csv', 'finance-payments'),
                               ('jsonl', 'agency-referrals.jsonl', 'agency-referrals')]:
        must(grants, ['import', fmt, 'Tools/mappings/samples/' + feed, '--mapping', f'Tools/mappings/{mapping}.yaml',
                      '--quiet', '--errors', os.path.join(work, 'setup.errors'), '--db', db])
    return must(grants, ['tokens', 'create', '--role', 'intake', '--label', 'bad-input proof', '--db', db]).split()[0]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--grants', required=True, help='the grants binary')
    ap.add_argument('--workdir', help='where the ledger and logs go (default: a new temporary folder)')
    ap.add_argument('--only', help='run only the inputs whose file name holds this text')
    ap.add_argument('--show', action='store_true', help='print every output; expected substrings are not checked')
    ap.add_argument('--manifest', default='EXPECTED.tsv', help='relative to the corpus (default: EXPECTED.tsv)')
    a = ap.parse_args()
    grants = os.path.abspath(a.grants)
    work = os.path.abspath(a.workdir or tempfile.mkdtemp(prefix='bad-input-'))
    os.makedirs(work, exist_ok=True)
    db = os.path.join(work, 'ledger.sqlite')
    rows = read_manifest(a.manifest, a.only)
    start = time.monotonic()
    token = build_ledger(grants, db, work)
    with socket.socket() as s:                   # a free loopback port
        s.bind(('127.0.0.1', 0))
        port = s.getsockname()[1]
    log = open(os.path.join(work, 'serve.log'), 'wb')
    server = subprocess.Popen([grants, 'serve', '--port', str(port), '--db', db], cwd=REPO,
                              stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    failures, counts = [], {}
    try:
        for _ in range(400):
            if healthy(port) or server.poll() is not None:
                break
            time.sleep(0.05)
        if not healthy(port):
            sys.exit(f'bad-input: grants serve did not start (see {work}/serve.log)')
        before = head(grants, db)                # after the service opened the day, if it did
        if 'NOT INTACT' in before:
            sys.exit(f'bad-input: the ledger built is not intact: {before}')
        for i, (name, target, expected) in enumerate(rows):
            counts[target.split()[0]] = counts.get(target.split()[0], 0) + 1
            problem, text = attempt(grants, db, work, port, token, server, name, target)
            if a.show:
                print(f'==== {name} [{target}]\n{text.strip()[:1500]}')
            if not problem and not a.show and not (expected and holds(text, expected)):
                problem = f'the message lacks {expected!r}' if expected else 'no expected substring recorded'
            if i + 1 == len(rows) or rows[i + 1][0] != name:   # the head, once an input went to all its targets
                after = head(grants, db)
                if after != before and not only_days_opened(grants, db, before):
                    problem = (problem + '; ' if problem else '') + f'the ledger changed: {before} -> {after}'
                before = after
            if problem:
                failures.append(f'{name} [{target}]: {problem}\n' + re.sub('(?m)^', '    ', text.strip()[:600]))
        if server.poll() is not None or not healthy(port):
            failures.append('grants serve: it no longer answers /health')
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
    with open(os.path.join(work, 'serve.log'), encoding='utf-8', errors='replace') as f:
        for ln in f:
            if re.search(r'Fatal error|"status":"5\d\d"', ln):
                failures.append(f'grants serve logged: {ln.strip()[:300]}')

    for f in failures:
        print('FAIL ' + f)
    if not failures and not a.workdir:
        shutil.rmtree(work)
    per_target = ', '.join(f'{k} {v}' for k, v in sorted(counts.items()))
    print(f'bad-input: {len({r[0] for r in rows})} inputs, {len(rows)} runs ({per_target}), {len(failures)} failures, '
          f'{time.monotonic() - start:.1f} s; ledger head {before}' + (f'; work in {work}' if os.path.isdir(work) else ''))
    sys.exit(1 if failures else 0)


if __name__ == '__main__':
    main()
