#!/usr/bin/env python3
"""Issue #24: compiles the <pre>{@code ...}</pre> example of every package-info.java of dlsec-core's library
packages against the built classes, so that a package doc's example cannot drift from the API.

    mvn -B -o -q -DskipTests compile -pl dlsec-core && bench/javadoc_examples.py

Each example becomes the body of a method whose parameters are the free variables the examples share
(model and target: a DjlClassifier; train and test: a Dataset; scores, isMember, probabilities: arrays),
with every library package imported. Exit code 1 and javac's messages when one does not compile."""
import glob, os, re, subprocess, sys, tempfile

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
CORE = os.path.join(ROOT, 'dlsec-core')
SRC = os.path.join(CORE, 'src/main/java/')
SKIP = ('audit', 'report', 'serve')  # moving to dlsec-audit
FREE = {'model': 'DjlClassifier', 'target': 'DjlClassifier', 'train': 'Dataset', 'test': 'Dataset',
        'scores': 'double[]', 'isMember': 'boolean[]', 'probabilities': 'float[]'}


def packages():
    for p in sorted(glob.glob(SRC + 'org/dlsec/**/package-info.java', recursive=True)):
        rel = p[len(SRC):]
        if not any('/' + s + '/' in rel for s in SKIP):
            yield rel


def main():
    names = sorted({'org.dlsec.' + os.path.dirname(r)[len('org/dlsec/'):].replace('/', '.') for r in packages()} - {'org.dlsec.'})
    imports = ''.join(f'import {n}.*;\n' for n in names if n != 'org.dlsec.attack')
    imports += 'import ai.djl.ndarray.*;\nimport ai.djl.ndarray.types.*;\nimport java.nio.file.*;\nimport java.util.*;\n'
    work = tempfile.mkdtemp(prefix='dlsec-javadoc-examples-')
    files = []
    for rel in packages():
        text = open(SRC + rel).read()
        for k, m in enumerate(re.finditer(r'<pre>\{@code\n(.*?)\n \* \}</pre>', text, re.S)):
            body = '\n'.join(l[3:] if l.startswith(' * ') else l.lstrip(' *') for l in m.group(1).split('\n'))
            declared = set(re.findall(r'\b([a-z]\w*)\s*=', body))
            params = [f'{t} {v}' for v, t in FREE.items() if re.search(r'\b' + v + r'\b', body) and v not in declared]
            name = 'Example_' + os.path.dirname(rel).replace('/', '_') + f'_{k}'
            f = os.path.join(work, name + '.java')
            open(f, 'w').write(f'{imports}\n@SuppressWarnings("unused")\nclass {name} {{\n    void run({", ".join(params)})'
                               f' throws Exception {{\n{body}\n    }}\n}}\n')
            files.append(f)
    cp_file = os.path.join(work, 'cp.txt')
    subprocess.run(['mvn', '-B', '-o', '-q', 'dependency:build-classpath', '-pl', 'dlsec-core',
                    '-Dmdep.outputFile=' + cp_file], cwd=ROOT, check=True)
    cp = open(cp_file).read().strip() + os.pathsep + os.path.join(CORE, 'target/classes')
    r = subprocess.run(['javac', '-d', os.path.join(work, 'classes'), '-cp', cp, '-nowarn'] + files,
                       capture_output=True, text=True)
    print(f'{len(files)} package examples', 'compile' if r.returncode == 0 else 'do NOT compile')
    sys.stdout.write(r.stdout + r.stderr)
    return r.returncode


if __name__ == '__main__':
    sys.exit(main())
