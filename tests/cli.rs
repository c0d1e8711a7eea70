//! The `validate` command line run as a real process.

use std::path::Path;
use std::process::{Command, Output};

use crate::util::samples_dir;

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_authproxy-manager")).args(args).output().unwrap()
}

fn sample(name: &str) -> String {
    samples_dir().join(name).display().to_string()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn clean_file_exits_zero() {
    let o = run(&["validate", "--platform", "linux", &sample("v01_radius_auto_ad.cfg")]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("0 error(s), 0 warning(s)"));
}

#[test]
fn warnings_only_exit_zero() {
    let o = run(&["validate", "--platform", "linux", &sample("i09_radius_overlap_warning.cfg")]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("warning[NetworkContention]"));
}

#[test]
fn errors_print_like_a_compiler_and_exit_one() {
    let file = sample("i03_typo_key.cfg");
    let o = run(&["validate", "--platform", "windows", &file]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    let expected_head = format!("{file}:16:1: error[UnexpectedKey]: ");
    assert!(out.contains(&expected_head), "{out}");
    assert!(out.contains("Did you mean failmode?"));
    assert!(out.contains("16 | failmod=secure\n   | ^^^^^^^\n"), "{out}");
    assert!(out.contains("fix: Rename to failmode"));
}

#[test]
fn json_report_has_the_documented_shape() {
    let o = run(&[
        "validate",
        "--platform",
        "linux",
        "--format",
        "json",
        &sample("i09_radius_overlap_warning.cfg"),
        &sample("i18_bom.cfg"),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let files = json.as_array().unwrap();
    assert_eq!(files.len(), 2);
    assert_eq!(files[0]["loaded"], true);
    let d = &files[0]["diagnostics"][0];
    assert_eq!(d["kind"], "NetworkContention");
    assert_eq!(d["severity"], "warning");
    assert_eq!(d["cross_section"], true);
    assert_eq!(d["section"], "radius_server_auto2");
    assert_eq!(d["line"], 22);
    assert_eq!(d["column"], 1);
    assert_eq!(d["end_line"], 22);
    assert_eq!(d["end_column"], 23);
    assert_eq!(d["keys"][0], "radius_ip_1");
    assert!(d["message"].as_str().unwrap().contains("first matching section"));
    assert_eq!(files[1]["loaded"], false);
    let kinds: Vec<&str> =
        files[1]["diagnostics"].as_array().unwrap().iter().map(|d| d["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["LoadError"]);
    assert!(files[1]["diagnostics"][0]["message"].as_str().unwrap().contains("byte order mark"));
}

#[test]
fn unreadable_file_and_bad_usage_exit_two() {
    let o = run(&["validate", "/nonexistent/authproxy.cfg"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot read /nonexistent/authproxy.cfg"));
    assert_eq!(run(&["validate", "--platform", "solaris", &sample("v01_radius_auto_ad.cfg")]).status.code(), Some(2));
    assert_eq!(run(&["validate"]).status.code(), Some(2));
}

#[test]
fn secrets_never_appear_in_any_output() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("authproxy.cfg");
    let secrets = ["Zz9SecretPassw0rd", "Qq8RadiusShared", "Yy7ShortSkey", "Xx6NpsSecret"];
    let text = format!(
        "Zz9SecretPassw0rd\n[ad_client]\nhost=dc1\nservice_account_username=svc\nservice_account_password={} ; old\nsearch_dn=DC=x\n\
         [radius_server_auto]\nikey=DIVQJXXVBOTHD0WTFLHB\nskey={}\napi_host=a\nradius_ip_1=10.0.0.1\nradius_secret_1={}\n  {}\nclient=ad_client\n\
         [radius_client]\nhost=10.0.0.9\nsecret={} ; x\n",
        secrets[0], secrets[2], secrets[1], secrets[1], secrets[3]
    );
    std::fs::write(&path, &text).unwrap();
    for platform in ["linux", "windows"] {
        for format in ["text", "json"] {
            for bad_start in [true, false] {
                let file = if bad_start { path.clone() } else { dir.path().join("loaded.cfg") };
                if !bad_start {
                    std::fs::write(&file, text.split_once('\n').unwrap().1).unwrap();
                }
                let o = run(&["validate", "--platform", platform, "--format", format, &file.display().to_string()]);
                let all = format!("{}{}", stdout(&o), String::from_utf8_lossy(&o.stderr));
                assert!(o.status.code() == Some(1), "{all}");
                for s in secrets {
                    assert!(!all.contains(s), "secret {s} leaked ({platform}, {format}):\n{all}");
                }
            }
        }
    }
}

#[test]
fn install_directory_is_inferred_from_a_conf_folder() {
    let install = tempfile::tempdir().unwrap();
    let conf = install.path().join("conf");
    std::fs::create_dir_all(&conf).unwrap();
    std::fs::write(conf.join("ldaps-ca.pem"), "pem").unwrap();
    std::fs::write(conf.join("authproxy.cfg"), std::fs::read(sample("i06_plain_without_bind_dn.cfg")).unwrap())
        .unwrap();
    let o = run(&["validate", "--platform", "linux", &conf.join("authproxy.cfg").display().to_string()]);
    let out = stdout(&o);
    assert!(!out.contains("PathNotChecked"), "{out}");
    std::fs::remove_file(conf.join("ldaps-ca.pem")).unwrap();
    let out = stdout(&run(&["validate", "--platform", "linux", &conf.join("authproxy.cfg").display().to_string()]));
    assert!(out.contains("error[InvalidValue]: Invalid value for ssl_ca_certs_file"), "{out}");
    let explicit = run(&[
        "validate",
        "--platform",
        "linux",
        "--install-dir",
        &Path::new("/nonexistent").display().to_string(),
        &sample("v01_radius_auto_ad.cfg"),
    ]);
    assert_eq!(explicit.status.code(), Some(0));
}

#[test]
fn ansi_files_fail_on_linux_and_load_on_windows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ansi.cfg");
    let mut bytes = std::fs::read(sample("v01_radius_auto_ad.cfg")).unwrap();
    bytes.extend_from_slice(b"; caf\xe9\n");
    std::fs::write(&path, &bytes).unwrap();
    let linux = run(&["validate", "--platform", "linux", &path.display().to_string()]);
    assert_eq!(linux.status.code(), Some(1));
    assert!(stdout(&linux).contains("error[LoadError]: The file is not valid UTF-8"));
    let windows = run(&["validate", "--platform", "windows", &path.display().to_string()]);
    assert_eq!(windows.status.code(), Some(0), "{}", stdout(&windows));
}

#[test]
fn explain_prints_a_kind_and_rejects_unknown_ones() {
    let o = run(&["explain", "unpairedkey"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).starts_with("UnpairedKey (error by default)"));
    assert_eq!(run(&["explain", "Nope"]).status.code(), Some(2));
}
