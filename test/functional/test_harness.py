"""The functional-test harness itself: a test whose tool is missing is skipped with its reason
on a developer's machine and fails when CI is set (mwtest.needs)."""
import os
import subprocess
import sys
import textwrap
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import mwtest  # noqa: E402

LIB = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib")

PROBE = textwrap.dedent("""
    import sys, unittest
    sys.path.insert(0, %r)
    import mwtest

    class Method(unittest.TestCase):
        @mwtest.needs(mwtest.missing_tools("mw-no-such-tool"))
        def test_needs_a_missing_tool(self):
            pass

        @mwtest.needs(mwtest.missing_tools("sh"))
        def test_needs_a_present_tool(self):
            pass

    @mwtest.needs("mw-no-such-library not installed")
    class Whole(unittest.TestCase):
        def test_in_a_class_that_needs_it(self):
            pass

    unittest.main(verbosity=2)
""") % LIB


def run_probe(ci):
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    if ci:
        env["CI"] = "1"
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True,
                         timeout=60)
    return out.returncode, out.stdout + out.stderr


class NeedsTest(unittest.TestCase):
    def test_developer_machine_skips_with_the_reason(self):
        rc, out = run_probe(ci=False)
        self.assertEqual(rc, 0, out)
        self.assertIn("skipped 'mw-no-such-tool not installed'", out)
        self.assertIn("skipped 'mw-no-such-library not installed'", out)
        self.assertRegex(out, r"test_needs_a_present_tool .* ok")

    def test_ci_fails_instead(self):
        rc, out = run_probe(ci=True)
        self.assertNotEqual(rc, 0, out)
        self.assertIn("mw-no-such-tool not installed (CI is set", out)
        self.assertIn("mw-no-such-library not installed (CI is set", out)
        self.assertNotIn("skipped", out)
        self.assertRegex(out, r"test_needs_a_present_tool .* ok")

    def test_missing_tools_names_what_is_absent(self):
        self.assertIsNone(mwtest.missing_tools("sh"))
        self.assertEqual(mwtest.missing_tools("sh", "mw-a", "mw-b"), "mw-a and mw-b not installed")


if __name__ == "__main__":
    unittest.main(verbosity=2)
