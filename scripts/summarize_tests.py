"""Sums the results of every suite (TRX from dotnet test, JUnit XML from CTest and pytest), prints
`tests: N passed, N failed, N skipped` as the last line and exits 1 on any failure."""
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

results, suite_errors = Path(sys.argv[1]), int(sys.argv[2])
passed = failed = skipped = 0
for f in sorted(results.glob("*")):
    try:
        root = ET.parse(f).getroot()
    except ET.ParseError:
        print(f"{f.name}: unreadable results"); suite_errors += 1; continue
    if f.suffix == ".trx":
        c = root.find(".//{*}Counters")
        p, fl = int(c.get("passed", 0)), int(c.get("failed", 0)) + int(c.get("error", 0)) + int(c.get("timeout", 0)) + int(c.get("aborted", 0))
        s = int(c.get("total", 0)) - int(c.get("executed", 0)) + int(c.get("notExecuted", 0))
        if int(c.get("executed", 0)) == 0:
            # e.g. a --filter that matches nothing: dotnet test still writes a results file and exits 0.
            print(f"{f.name}: no test ran"); suite_errors += 1
    else:
        suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
        t = sum(int(x.get("tests", 0)) for x in suites)
        fl = sum(int(x.get("failures", 0)) + int(x.get("errors", 0)) for x in suites)
        s = sum(int(x.get("skipped", 0)) for x in suites)
        p = t - fl - s
    print(f"{f.name}: {p} passed, {fl} failed, {s} skipped")
    passed, failed, skipped = passed + p, failed + fl, skipped + s
if suite_errors:
    print(f"{suite_errors} suite(s) could not run")
if passed == 0:
    print("no test ran"); suite_errors += 1
print(f"tests: {passed} passed, {failed + suite_errors} failed, {skipped} skipped")
sys.exit(1 if failed or suite_errors else 0)
