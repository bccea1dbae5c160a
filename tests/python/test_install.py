"""`cmake --install` puts the package where Debian's python3 finds it under a prefix
(<prefix>/lib/python3.X/dist-packages/lrlab), and the installed package uses the installed plugins
(<prefix>/lib/lrlab/plugins), not the build tree's."""
import json
import os
import subprocess
import sys

import pytest


def test_installed_package_imports_and_finds_its_plugins(tmp_path):
    build = os.environ.get("LRLAB_BUILD_DIR")
    if not build:
        pytest.skip("LRLAB_BUILD_DIR names the build to install (ctest sets it)")
    prefix = tmp_path / "prefix"
    subprocess.run(["cmake", "--install", build, "--prefix", str(prefix)], check=True, capture_output=True)
    site = prefix / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "dist-packages"
    assert (site / "lrlab" / "__init__.py").is_file() and (site / "lrlab" / "torch.py").is_file()
    code = ("import json, lrlab; s = lrlab.schedule({'type': 'step_lr', 'step_size': 2, 'gamma': 0.5}, base_lr=0.1);"
            "print(json.dumps([lrlab.__file__, s(3), lrlab.describe('step_lr')['library']]))")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "LRLAB_PLUGIN_PATH")}
    env["PYTHONPATH"] = str(site)
    p = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    module, rate, library = json.loads(p.stdout)
    assert module.startswith(str(site))
    assert rate == 0.1 * 0.5
    assert library.startswith(str(prefix / "lib" / "lrlab" / "plugins")), library
