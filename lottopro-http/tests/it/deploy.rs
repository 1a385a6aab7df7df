//! The manual install's files (`deploy/lottopro.service`,
//! `deploy/nginx-site.conf`) pass their tools' own checks: `systemd-analyze
//! verify` and `nginx -t`. Each check is shown to fail on a broken copy,
//! so that a pass means something. Skipped where the tool is missing
//! (`.ci/run` installs nginx; systemd is part of Debian).

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn temp(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("deploy-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn tool(candidates: &[&str]) -> Option<PathBuf> {
    candidates.iter().map(PathBuf::from).find(|p| p.exists())
}

/// `systemd-analyze verify` on `unit`; its complaints, if any.
fn verify_unit(dir: &Path, text: &str) -> Result<(), String> {
    let unit = dir.join("lottopro.service");
    std::fs::write(&unit, text).unwrap();
    let out = Command::new("systemd-analyze")
        .args(["verify", "--man=no"])
        .arg(&unit)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr).into_owned();
    if out.status.success() && !said.contains("lottopro.service") {
        Ok(())
    } else {
        Err(said)
    }
}

#[test]
fn the_systemd_unit_verifies() {
    if tool(&["/usr/bin/systemd-analyze", "/bin/systemd-analyze"]).is_none() {
        eprintln!("systemd-analyze is missing: skipped");
        return;
    }
    let dir = temp("systemd");
    let shipped = std::fs::read_to_string(repo().join("deploy/lottopro.service")).unwrap();
    assert!(shipped.contains("ExecStart=/usr/local/bin/lottopro serve\n"));
    // The binary this build made stands where the install puts it.
    let unit = shipped.replace("/usr/local/bin/lottopro", env!("CARGO_BIN_EXE_lottopro"));
    verify_unit(&dir, &unit).unwrap();
    // The variables it sets are the service's own.
    let help = Command::new(env!("CARGO_BIN_EXE_lottopro"))
        .args(["serve", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    for variable in ["LOTTOPRO_BIND", "LOTTOPRO_DB", "LOG_DIR"] {
        assert!(shipped.contains(&format!("{variable}=")), "{variable}");
        assert!(
            help.contains(&format!("[env: {variable}")),
            "{variable}: {help}"
        );
    }
    // A broken unit is caught.
    let broken = unit.replace("Type=exec", "Type=exec\nRestart=sometimes");
    assert!(verify_unit(&dir, &broken).is_err(), "a bad Restart= passed");
    let _ = std::fs::remove_dir_all(dir);
}

/// The backup's service and timer verify, and the backup runs with the
/// service's own settings (the same defaults and environment file).
#[test]
fn the_systemd_backup_timer_verifies_and_shares_the_services_settings() {
    if tool(&["/usr/bin/systemd-analyze", "/bin/systemd-analyze"]).is_none() {
        eprintln!("systemd-analyze is missing: skipped");
        return;
    }
    let dir = temp("systemd-backup");
    let read = |name: &str| std::fs::read_to_string(repo().join("deploy").join(name)).unwrap();
    let (service, backup, timer) = (
        read("lottopro.service"),
        read("lottopro-backup.service"),
        read("lottopro-backup.timer"),
    );
    let settings = |unit: &str| -> Vec<String> {
        unit.lines()
            .filter(|l| l.starts_with("Environment") || l.starts_with("User="))
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(settings(&backup), settings(&service));
    assert!(backup.contains("ExecStart=/usr/local/bin/lottopro backup\n"));
    let backup = backup.replace("/usr/local/bin/lottopro", env!("CARGO_BIN_EXE_lottopro"));
    std::fs::write(dir.join("lottopro-backup.service"), &backup).unwrap();
    let verify = |timer: &str| {
        std::fs::write(dir.join("lottopro-backup.timer"), timer).unwrap();
        let out = Command::new("systemd-analyze")
            .args(["verify", "--man=no"])
            .arg(dir.join("lottopro-backup.timer"))
            .arg(dir.join("lottopro-backup.service"))
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&out.stderr).into_owned();
        (out.status.success() && !said.contains("lottopro-backup"))
            .then_some(())
            .ok_or(said)
    };
    verify(&timer).unwrap();
    assert!(
        verify(&timer.replace("OnCalendar=*-*-* 18:00:00 UTC", "OnCalendar=nightly-ish")).is_err()
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// `nginx -t` on a main configuration that includes `site`.
fn nginx_test(nginx: &Path, dir: &Path, site: &str) -> Result<(), String> {
    std::fs::write(dir.join("site.conf"), site).unwrap();
    std::fs::write(
        dir.join("nginx.conf"),
        format!(
            "pid {d}/nginx.pid;\nerror_log stderr;\nevents {{}}\nhttp {{\n  access_log off;\n  client_body_temp_path {d}/body;\n  proxy_temp_path {d}/proxy;\n  fastcgi_temp_path {d}/fastcgi;\n  uwsgi_temp_path {d}/uwsgi;\n  scgi_temp_path {d}/scgi;\n  include {d}/site.conf;\n}}\n",
            d = dir.display()
        ),
    )
    .unwrap();
    let out = Command::new(nginx)
        .args(["-t", "-p"])
        .arg(dir)
        .arg("-c")
        .arg(dir.join("nginx.conf"))
        .output()
        .unwrap();
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

#[test]
fn the_host_nginx_site_passes_nginx_t() {
    let Some(nginx) = tool(&["/usr/sbin/nginx", "/usr/bin/nginx"]) else {
        eprintln!("nginx is missing: skipped");
        return;
    };
    let dir = temp("nginx");
    let site = std::fs::read_to_string(repo().join("deploy/nginx-site.conf")).unwrap();
    nginx_test(&nginx, &dir, &site).unwrap();
    let broken = site.replace("proxy_read_timeout 30s;", "proxy_read_timeout thirty;");
    assert!(nginx_test(&nginx, &dir, &broken).is_err());
    let _ = std::fs::remove_dir_all(dir);
}
