#!/usr/bin/env python3
"""Checks every relative link in README.md, docs/*.md and update-site/README.md: the file exists
and, when there is a #fragment into a Markdown file, a heading with that GitHub anchor exists."""
import os, re, sys, glob
root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
os.chdir(root)
files = ['README.md', 'update-site/README.md'] + sorted(glob.glob('docs/*.md'))

def slug(h):
    h = h.strip().lower()
    h = re.sub(r'[^\w\- ]', '', h)  # GitHub drops punctuation except - and _
    return h.replace(' ', '-')

def anchors(path):
    out, seen, fence = set(), {}, False
    for line in open(path, encoding='utf-8'):
        if line.startswith('```') or line.strip().startswith('```'):
            fence = not fence; continue
        if fence: continue
        m = re.match(r'^(#{1,6})\s+(.*?)\s*#*\s*$', line)
        if m:
            s = slug(m.group(2)); n = seen.get(s, 0); seen[s] = n + 1
            out.add(s if n == 0 else f'{s}-{n}')
    return out

bad = 0; count = 0
for f in files:
    if not os.path.exists(f): continue
    text = open(f, encoding='utf-8').read()
    text = re.sub(r'```.*?```', '', text, flags=re.S)   # no links inside code blocks
    text = re.sub(r'`[^`\n]*`', ' ', text)              # nor inside inline code
    for m in re.finditer(r'!?\[[^\]]*\]\(([^)\s]+)\)', text):
        target = m.group(1)
        if re.match(r'^[a-z]+:', target): continue  # http:, https:, mailto:
        count += 1
        path, _, frag = target.partition('#')
        full = os.path.normpath(os.path.join(os.path.dirname(f), path)) if path else f
        if not os.path.exists(full):
            print(f'{f}: missing file {target}'); bad += 1; continue
        if frag:
            if not full.endswith('.md'):
                print(f'{f}: fragment into non-Markdown {target}'); bad += 1
            elif frag not in anchors(full):
                print(f'{f}: missing anchor {target}'); bad += 1
print(f'{count} relative links checked, {bad} broken')
sys.exit(1 if bad else 0)
