#!/usr/bin/env python3
"""Rebuilds examples/corpus/ from local sources (no network).

Swift: the Markdown documentation (DocC articles, guides, evolution proposals, READMEs)
shipped inside Swift packages, read with `git show TAG:PATH` from bare mirrors under
/opt/swift-packages (Apache-2.0). Python: pages of the Python 3.11 documentation from
Debian's python3.11-doc package (/usr/share/doc/python3.11/html, PSF License), reduced to
the page's <title> and main body (navigation, sidebars and scripts removed).

Usage: python3 examples/corpus/build_corpus.py [--mirrors /opt/swift-packages]
"""
import argparse, html, os, re, shutil, subprocess, sys

SWIFT = [  # (mirror path, tag, corpus folder)
    ("apple/swift-async-algorithms.git", "1.1.4", "swift-async-algorithms"),
    ("apple/swift-nio.git", "2.101.3", "swift-nio"),
    ("swift-server/swift-service-lifecycle.git", "2.13.0", "swift-service-lifecycle"),
    ("swift-server/async-http-client.git", "1.37.0", "async-http-client"),
    ("hummingbird-project/hummingbird.git", "2.28.1", "hummingbird"),
    ("apple/swift-atomics.git", "1.3.0", "swift-atomics"),
    ("apple/swift-log.git", "1.16.2", "swift-log"),
    ("apple/swift-collections.git", "1.6.0", "swift-collections"),
    ("apple/swift-algorithms.git", "1.2.1", "swift-algorithms"),
    ("apple/swift-argument-parser.git", "1.8.2", "swift-argument-parser"),
]
SKIP = re.compile(r"(CHANGELOG|CONTRIBUTING|CODE_OF_CONDUCT|SECURITY|CONTRIBUTORS|MAINTAINERS|\.github/|/Benchmarks?/|IntegrationTests/|Tests/|\.licenseignore|PULL_REQUEST|ISSUE_TEMPLATE|0000-.*template)", re.I)

PYDOC = "/usr/share/doc/python3.11/html"
PYTHON_PAGES = (
    ["tutorial/" + p for p in [
        "appetite", "interpreter", "introduction", "controlflow", "datastructures", "modules",
        "inputoutput", "errors", "classes", "stdlib", "stdlib2", "venv", "whatnow", "floatingpoint"]]
    + ["howto/" + p for p in [
        "functional", "sockets", "logging-cookbook", "descriptor", "urllib2", "argparse",
        "regex", "sorting", "unicode", "enum", "annotations", "ipaddress", ]]
    + ["library/" + p for p in [
        "asyncio", "asyncio-runner", "asyncio-task", "asyncio-stream", "asyncio-sync", "asyncio-subprocess",
        "asyncio-queue", "asyncio-exceptions", "asyncio-eventloop", "asyncio-future", "asyncio-protocol",
        "asyncio-policy", "asyncio-platforms", "asyncio-extending", "asyncio-api-index", "asyncio-llapi-index",
        "asyncio-dev", "concurrency", "threading", "multiprocessing", "multiprocessing.shared_memory",
        "concurrent", "concurrent.futures", "subprocess", "sched", "queue", "contextvars", "_thread",
        "select", "selectors", "signal", "socketserver", "ipc", "itertools", "functools",
        "contextlib", "collections", "heapq", "json", "urllib.request", "http.client", "http.server",
        "io", "time", "timeit", "profile", "unittest", "dataclasses", "abc",
        "weakref", "gc", "atexit", "traceback", "warnings", "shlex", "pathlib", "tempfile", "csv"]]
    + ["glossary", "faq/library", "faq/general", ]
)

def strip_python_page(text):
    title = re.search(r"<title>(.*?)</title>", text, re.S)
    title = html.unescape(title.group(1)).strip() if title else ""
    start = text.find('<div class="body" role="main">')
    if start < 0:
        raise SystemExit("no main body in a Python page")
    end = text.find('<div class="sphinxsidebar"', start)
    body = text[start:end if end > 0 else len(text)]
    body = re.sub(r"<script.*?</script>", "", body, flags=re.S)
    body = re.sub(r'<a class="headerlink"[^>]*>.*?</a>', "", body, flags=re.S)
    body = re.sub(r"</?span[^>]*>", "", body)
    body = re.sub(r"</?(div|section|dl|dd|colgroup|col)( [^>]*)?>", lambda m: "<" + ("/" if m.group(0)[1] == "/" else "") + m.group(1) + ">", body)
    body = re.sub(r'<a [^>]*?(href="[^"#]*)(#[^"]*)?"[^>]*>', lambda m: "<a " + m.group(1) + '">', body)
    body = re.sub(r'<(p|pre|code|em|strong|h[1-6]|li|ul|ol|table|tr|td|th|dt|blockquote|cite|abbr|sup|sub)( [^>]*)?>', r"<\1>", body)
    body = re.sub(r"<(div|section)>\s*</\1>", "", body)
    body = re.sub(r"\n\s*\n+", "\n", body)
    return title, body

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mirrors", default="/opt/swift-packages")
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    args = ap.parse_args()
    count, total = 0, 0
    for sub in ("swift", "python"):
        shutil.rmtree(os.path.join(args.out, sub), ignore_errors=True)
    for mirror, tag, name in SWIFT:
        git = ["git", "-C", os.path.join(args.mirrors, mirror)]
        paths = subprocess.run(git + ["ls-tree", "-r", "--name-only", tag], check=True, capture_output=True, text=True).stdout.split("\n")
        for path in paths:
            if not path.lower().endswith(".md") or SKIP.search(path):
                continue
            data = subprocess.run(git + ["show", f"{tag}:{path}"], check=True, capture_output=True).stdout
            if len(data) < 400:
                continue
            dest = os.path.join(args.out, "swift", name, path)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            with open(dest, "wb") as f:
                f.write(data)
            count += 1; total += len(data)
        # Apache-2.0 section 4: ship the licence and the package's NOTICE with its files.
        pkg = os.path.join(args.out, "swift", name)
        for src, dest in (("LICENSE.txt", "LICENSE"), ("NOTICE.txt", "NOTICE")):
            r = subprocess.run(git + ["show", f"{tag}:{src}"], capture_output=True)
            if r.returncode == 0:
                with open(os.path.join(pkg, dest), "wb") as f:
                    f.write(r.stdout)
        with open(os.path.join(pkg, "ORIGIN"), "w") as f:
            f.write(f"Markdown files of {name} {tag} (git tag {tag} of the package's repository,\n"
                    f"read from the local SwiftPM mirror {mirror}), unmodified.\nLicence: Apache License 2.0 (./LICENSE).\n")
    for page in PYTHON_PAGES:
        src = os.path.join(PYDOC, page + ".html")
        with open(src, encoding="utf-8") as f:
            title, body = strip_python_page(f.read())
        out = ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">\n"
               f"<title>{html.escape(title)}</title>\n"
               f"<!-- From the Python 3.11 documentation ({page}.html, Debian python3.11-doc 3.11.2), "
               "Copyright (c) 2001-2023 Python Software Foundation; licensed under the PSF License Version 2 "
               "(see LICENSE-PSF at the top of the corpus). Navigation, sidebars, scripts and most attributes removed. -->\n"
               f"</head><body>\n{body}\n</body></html>\n")
        dest = os.path.join(args.out, "python", page + ".html")
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with open(dest, "w", encoding="utf-8") as f:
            f.write(out)
        count += 1; total += len(out.encode())
    # The Python documentation's licence: the history and terms of the Python licence
    # (PSF License Version 2 and the earlier licences), as Debian ships them.
    with open("/usr/share/doc/python3.11/copyright", encoding="utf-8") as f:
        text = f.read()
    start, end = text.index("Python License\n=============="), text.index("Licenses and Acknowledgements for Incorporated Software")
    with open(os.path.join(args.out, "LICENSE-PSF"), "w", encoding="utf-8") as f:
        f.write(text[start:end].rstrip() + "\n")
    print(f"{count} files, {total / 1e6:.2f} MB")

if __name__ == "__main__":
    main()
