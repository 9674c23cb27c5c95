//! Where the report files go: a folder as before (`--out DIR`), a folder with history
//! (`--out DIR --history`: `DIR/runs/<UTC time>/` and `DIR/latest/`), or S3
//! (`--out s3://bucket/prefix/`, always with history). The files of a run are rendered in
//! memory first, then handed to the sink, so every sink gets the same bytes.

pub mod s3;

use crate::collect::Credentials;
use crate::error::{Error, Result};
use crate::model::report::{Report, TrendPoint};
use crate::report::{Format, RenderOptions, FORMATS};
use std::path::{Path, PathBuf};

/// Earlier runs plus this one shown in the trend, at most.
pub const TREND_RUNS: usize = 30;

/// One report file of a run: its name (`report.json`, …) and content.
#[derive(Debug, Clone)]
pub struct RunFile {
    pub name: &'static str,
    pub bytes: Vec<u8>,
}

/// The parsed `--out`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Report files directly in the folder (the default layout).
    Flat(PathBuf),
    /// `runs/<time>/` and `latest/` in the folder (`--history`).
    History(PathBuf),
    /// `s3://bucket/prefix/`: `prefix/runs/<time>/` and `prefix/latest/`.
    S3 { bucket: String, prefix: String },
}

impl Target {
    pub fn parse(out: &Path, history: bool) -> Result<Target> {
        let text = out.to_string_lossy();
        if let Some(rest) = text.strip_prefix("s3://") {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            if bucket.is_empty() {
                return Err(Error::Usage(format!("--out {text}: no bucket name")));
            }
            let mut prefix = prefix.trim_matches('/').to_string();
            if !prefix.is_empty() {
                prefix.push('/');
            }
            return Ok(Target::S3 {
                bucket: bucket.to_string(),
                prefix,
            });
        }
        Ok(if history {
            Target::History(out.to_path_buf())
        } else {
            Target::Flat(out.to_path_buf())
        })
    }

    /// Where an interrupted scan writes the facts it gathered: beside the reports, never over
    /// them (the folder's reports stay as the last complete run left them). For S3, the
    /// working folder: a partial snapshot is not a report and is not uploaded.
    pub fn incomplete_facts(&self) -> PathBuf {
        match self {
            Target::Flat(dir) | Target::History(dir) => incomplete_sibling(&dir.join("facts.json")),
            Target::S3 { .. } => PathBuf::from("msgready-facts.incomplete.json"),
        }
    }

    pub fn keeps_history(&self) -> bool {
        !matches!(self, Target::Flat(_))
    }
}

/// `facts.json` → `facts.incomplete.json`: where `collect --out FILE` puts an interrupted
/// collection, leaving FILE as the last complete one left it.
pub fn incomplete_sibling(out: &Path) -> PathBuf {
    let stem = out
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "facts".into());
    out.with_file_name(format!("{stem}.incomplete.json"))
}

/// `20261126T172000Z` from an RFC 3339 time (the report's `generated_at`).
pub fn run_name(generated_at: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(generated_at)
        .map(|t| t.with_timezone(&chrono::Utc))
        .unwrap_or_else(|_| chrono::Utc::now())
        .format("%Y%m%dT%H%M%SZ")
        .to_string()
}

/// `name`, or `name-2`, `name-3`… when a run of that name exists already (two runs in one
/// second).
pub fn unique_run_name(name: &str, taken: &[String]) -> String {
    let mut candidate = name.to_string();
    let mut n = 2;
    while taken.contains(&candidate) {
        candidate = format!("{name}-{n}");
        n += 1;
    }
    candidate
}

/// The trend point of one earlier report.json (read leniently: any msgready report with a
/// `generated_at` and an overall score figure counts).
pub fn trend_point(run: &str, text: &str) -> Option<TrendPoint> {
    let v: serde_json::Value = serde_json::from_str(text).ok()?;
    let overall = v.get("score")?.get("overall")?;
    Some(TrendPoint {
        run: run.to_string(),
        generated_at: v.get("generated_at")?.as_str()?.to_string(),
        score: overall.get("score").and_then(|s| s.as_f64()),
        coverage: overall.get("coverage").and_then(|s| s.as_f64()),
    })
}

/// The trend: the last earlier runs (oldest first) and this one, at most [`TREND_RUNS`].
pub fn trend(mut earlier: Vec<TrendPoint>, run: &str, report: &Report) -> Vec<TrendPoint> {
    earlier.sort_by(|a, b| (&a.generated_at, &a.run).cmp(&(&b.generated_at, &b.run)));
    let skip = earlier.len().saturating_sub(TREND_RUNS - 1);
    let mut points: Vec<TrendPoint> = earlier.into_iter().skip(skip).collect();
    points.push(TrendPoint {
        run: run.to_string(),
        generated_at: report.generated_at.clone(),
        score: report.score.overall.score,
        coverage: report.score.overall.coverage,
    });
    points
}

/// The names of the run folders under `runs`, sorted; none when it does not exist.
pub fn local_runs(runs: &Path) -> Result<Vec<String>> {
    let io = |e: std::io::Error| Error::Io {
        path: runs.display().to_string(),
        source: e,
    };
    let mut names = Vec::new();
    match std::fs::read_dir(runs) {
        Ok(entries) => {
            for e in entries {
                let e = e.map_err(io)?;
                let name = e.file_name().to_string_lossy().to_string();
                if !name.starts_with('.') && e.path().is_dir() {
                    names.push(name);
                }
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(io(e)),
    }
    names.sort();
    Ok(names)
}

/// The trend points of the earlier runs in `dir/runs/`, the last [`TREND_RUNS`] of them.
pub fn local_trend(dir: &Path, runs: &[String]) -> Vec<TrendPoint> {
    let skip = runs.len().saturating_sub(TREND_RUNS);
    runs.iter()
        .skip(skip)
        .filter_map(|r| {
            let text =
                std::fs::read_to_string(dir.join("runs").join(r).join("report.json")).ok()?;
            trend_point(r, &text)
        })
        .collect()
}

/// Writes every file of a run into a new folder, built as a hidden temporary sibling of
/// `dest` and renamed into place, so `dest` never holds part of a run.
fn write_folder(dest: &Path, files: &[RunFile]) -> Result<()> {
    let parent = dest.parent().unwrap_or(Path::new("."));
    let io = |p: &Path| {
        let p = p.display().to_string();
        move |e: std::io::Error| Error::Io {
            path: p.clone(),
            source: e,
        }
    };
    std::fs::create_dir_all(parent).map_err(io(parent))?;
    let tmp = tempfile::Builder::new()
        .prefix(".msgready-tmp-")
        .tempdir_in(parent)
        .map_err(io(parent))?;
    for f in files {
        crate::fsutil::write_atomic(&tmp.path().join(f.name), &f.bytes)?;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755))
            .map_err(io(tmp.path()))?;
    }
    let tmp = tmp.keep();
    if dest.exists() {
        // Swap: the old folder steps aside (hidden), the complete new one takes its name,
        // then the old one is removed. Readers see the old run or the new one, whole.
        let old = tempfile::Builder::new()
            .prefix(".msgready-old-")
            .tempdir_in(parent)
            .map_err(io(parent))?
            .keep();
        std::fs::remove_dir(&old).map_err(io(&old))?;
        std::fs::rename(dest, &old).map_err(io(dest))?;
        std::fs::rename(&tmp, dest).map_err(io(dest))?;
        std::fs::remove_dir_all(&old).map_err(io(&old))?;
    } else {
        std::fs::rename(&tmp, dest).map_err(io(dest))?;
    }
    Ok(())
}

/// `--history`: `dir/runs/<run>/` and `dir/latest/`, each complete or absent. Returns the
/// folders written.
pub fn write_local_history(dir: &Path, run: &str, files: &[RunFile]) -> Result<Vec<PathBuf>> {
    let run_dir = dir.join("runs").join(run);
    write_folder(&run_dir, files)?;
    let latest = dir.join("latest");
    write_folder(&latest, files)?;
    Ok(vec![run_dir, latest])
}

/// The default layout: each file directly in `dir`, each written atomically.
pub fn write_flat(dir: &Path, files: &[RunFile]) -> Result<Vec<PathBuf>> {
    files
        .iter()
        .map(|f| {
            let p = dir.join(f.name);
            crate::fsutil::write_atomic(&p, &f.bytes).map(|_| p)
        })
        .collect()
}

/// How a run's reports are published.
pub struct Publish<'a> {
    pub target: &'a Target,
    /// The formats asked for (`--format`); the text summary is not a file and is left out.
    pub formats: &'a [&'static Format],
    pub render: &'a RenderOptions,
    /// `--sse-kms-key-id`, for `s3://` only.
    pub kms_key: Option<&'a str>,
    /// For `s3://`: the credential chain of the collection.
    pub credentials: &'a Credentials,
}

/// Renders the report files and writes them to the target. With history (a folder with
/// `--history`, or S3) the earlier runs are read first and the trend added to the report.
/// Returns the report as published and one line per place written.
pub fn publish(report: &Report, p: &Publish<'_>) -> Result<(Report, Vec<String>)> {
    if p.kms_key.is_some() && !matches!(p.target, Target::S3 { .. }) {
        return Err(Error::Usage(
            "--sse-kms-key-id applies only to --out s3://bucket/prefix/".into(),
        ));
    }
    let mut report = report.clone();
    let names = |files: &[RunFile]| files.iter().map(|f| f.name).collect::<Vec<_>>().join(", ");
    let mut written = Vec::new();
    match p.target {
        Target::Flat(dir) => {
            let files = render_files(&report, p, false)?;
            for path in write_flat(dir, &files)? {
                written.push(path.display().to_string());
            }
        }
        Target::History(dir) => {
            let runs = local_runs(&dir.join("runs"))?;
            let run = unique_run_name(&run_name(&report.generated_at), &runs);
            report.trend = trend(local_trend(dir, &runs), &run, &report);
            let files = render_files(&report, p, true)?;
            for folder in write_local_history(dir, &run, &files)? {
                written.push(format!("{} ({})", folder.display(), names(&files)));
            }
        }
        Target::S3 { bucket, prefix } => {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| Error::Usage(format!("cannot start the async runtime: {e}")))?;
            runtime.block_on(async {
                let store =
                    crate::collect::store::S3Store::connect(p.credentials, bucket.clone()).await;
                let sink = s3::S3Sink::new(store, prefix.clone());
                // Listing first also stops a missing bucket or denied access before any write.
                let runs = sink.runs().await?;
                let run = unique_run_name(&run_name(&report.generated_at), &runs);
                report.trend = trend(sink.trend(&runs).await, &run, &report);
                let files = render_files(&report, p, true)?;
                for folder in sink.put_run(&run, &files, p.kms_key).await? {
                    written.push(format!("{folder} ({})", names(&files)));
                }
                Ok::<(), Error>(())
            })?;
        }
    }
    Ok((report, written))
}

/// Renders every file format asked for, in memory, in table order. `always_json`: history
/// keeps report.json in every run, since the trend is read from it.
fn render_files(report: &Report, p: &Publish<'_>, always_json: bool) -> Result<Vec<RunFile>> {
    let mut files = Vec::new();
    for format in FORMATS {
        let Some(name) = format.file else { continue };
        let wanted = p.formats.iter().any(|f| f.name == format.name)
            || (always_json && name == "report.json");
        if wanted {
            files.push(RunFile {
                name,
                bytes: (format.render)(report, p.render)?.into_bytes(),
            });
        }
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_targets() {
        assert_eq!(
            Target::parse(Path::new("s3://b/p/q/"), false).unwrap(),
            Target::S3 {
                bucket: "b".into(),
                prefix: "p/q/".into()
            }
        );
        assert_eq!(
            Target::parse(Path::new("s3://b"), false).unwrap(),
            Target::S3 {
                bucket: "b".into(),
                prefix: String::new()
            }
        );
        assert!(Target::parse(Path::new("s3:///p"), false).is_err());
        assert_eq!(
            Target::parse(Path::new("out"), true).unwrap(),
            Target::History("out".into())
        );
        assert_eq!(
            Target::parse(Path::new("out"), false).unwrap(),
            Target::Flat("out".into())
        );
    }

    #[test]
    fn run_names_are_compact_utc_and_unique() {
        assert_eq!(run_name("2026-11-26T18:20:00+01:00"), "20261126T172000Z");
        let taken = vec!["20261126T172000Z".to_string()];
        assert_eq!(
            unique_run_name("20261126T172000Z", &taken),
            "20261126T172000Z-2"
        );
    }

    #[test]
    fn latest_is_replaced_whole() {
        let d = tempfile::tempdir().unwrap();
        let f = |name, b: &str| RunFile {
            name,
            bytes: b.as_bytes().to_vec(),
        };
        write_local_history(
            d.path(),
            "r1",
            &[f("report.json", "1"), f("report.md", "1")],
        )
        .unwrap();
        write_local_history(d.path(), "r2", &[f("report.json", "2")]).unwrap();
        let latest = d.path().join("latest");
        assert_eq!(std::fs::read(latest.join("report.json")).unwrap(), b"2");
        assert!(!latest.join("report.md").exists());
        let mut top: Vec<String> = std::fs::read_dir(d.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        top.sort();
        assert_eq!(top, ["latest", "runs"]);
        assert_eq!(
            local_runs(&d.path().join("runs")).unwrap(),
            ["r1".to_string(), "r2".to_string()]
        );
    }
}
