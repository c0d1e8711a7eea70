//! Starting the analysis of a new text on a helper thread as soon as the editor lays it
//! out, so parsing and validation run while egui finishes the frame's text edit, instead
//! of after it.

use std::path::PathBuf;
use std::sync::mpsc;

use super::buffer::Analysis;
use crate::config::Encoding;
use crate::schema::Platform;

/// What an analysis depends on besides the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inputs {
    /// The platform rules apply for.
    pub platform: Platform,
    /// The proxy's install directory, when known.
    pub install_dir: Option<PathBuf>,
    /// How the file is encoded.
    pub encoding: Encoding,
    /// The proxy release whose rules apply.
    pub proxy_version: Option<crate::schema::ProxyVersion>,
}

struct Job {
    text: String,
    inputs: Inputs,
    reply: mpsc::Sender<Analysis>,
}

struct Pending {
    text: String,
    inputs: Inputs,
    reply: mpsc::Receiver<Analysis>,
}

/// The analysis running ahead for the newest text the editor laid out, on one long-lived
/// helper thread (a thread per keystroke paid for its start and a cold allocator each time).
#[derive(Default)]
pub struct Prefetch {
    /// The inputs of the last analysis asked for; nothing starts before the first.
    inputs: Option<Inputs>,
    pending: Option<Pending>,
    worker: Option<mpsc::Sender<Job>>,
}

/// Analyses each job's text; when several are waiting, only the newest (the others are stale).
fn work(jobs: &mpsc::Receiver<Job>) {
    while let Ok(mut job) = jobs.recv() {
        while let Ok(newer) = jobs.try_recv() {
            job = newer;
        }
        let inputs = &job.inputs;
        let analysis = Analysis::new(0, &job.text, inputs);
        // The editor may have moved on and dropped its receiver; the analysis is then not needed.
        let _ = job.reply.send(analysis);
    }
}

impl Prefetch {
    /// Records the inputs the next analyses use.
    pub fn set_inputs(&mut self, inputs: Inputs) {
        self.inputs = Some(inputs);
    }

    /// Starts analysing `text` unless it is already under way.
    pub fn start(&mut self, text: &str) {
        let Some(inputs) = self.inputs.clone() else { return };
        if self.pending.as_ref().is_some_and(|p| p.text == text && p.inputs == inputs) {
            return;
        }
        self.pending = None;
        let Some(worker) = self.worker() else { return };
        let (reply, result) = mpsc::channel();
        let job = Job { text: text.to_owned(), inputs: inputs.clone(), reply };
        if worker.send(job).is_ok() {
            self.pending = Some(Pending { text: text.to_owned(), inputs, reply: result });
        } else {
            self.worker = None;
        }
    }

    /// The helper thread's queue, started on first use. Without a thread, analyses simply run
    /// when they are asked for.
    fn worker(&mut self) -> Option<&mpsc::Sender<Job>> {
        if self.worker.is_none() {
            let (sender, jobs) = mpsc::channel();
            let spawned = std::thread::Builder::new().name("analysis".into()).spawn(move || work(&jobs));
            self.worker = spawned.ok().map(|_| sender);
        }
        self.worker.as_ref()
    }

    /// The analysis of `text` with `inputs` if one was started for exactly them, labelled
    /// `revision`. Any other one under way is abandoned.
    pub fn take(&mut self, text: &str, inputs: &Inputs, revision: u64) -> Option<Analysis> {
        let pending = self.pending.take()?;
        if pending.text != text || pending.inputs != *inputs {
            return None;
        }
        let mut analysis = pending.reply.recv().ok()?;
        analysis.revision = revision;
        Some(analysis)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs() -> Inputs {
        Inputs { platform: Platform::Linux, install_dir: None, encoding: Encoding::Utf8, proxy_version: None }
    }

    #[test]
    fn the_analysis_started_for_a_text_is_the_one_handed_out_for_it() {
        let mut prefetch = Prefetch::default();
        prefetch.start("[main]\ndebug=true\n");
        assert!(
            prefetch.take("[main]\ndebug=true\n", &inputs(), 3).is_none(),
            "nothing starts before the inputs are known"
        );

        prefetch.set_inputs(inputs());
        let text = "[main]\ndebug=maybe\n";
        prefetch.start(text);
        let analysis = prefetch.take(text, &inputs(), 7).expect("started for this text");
        let direct = Analysis::new(7, text, &inputs());
        assert_eq!(analysis.revision, 7);
        assert_eq!(analysis.doc.text(), text);
        assert_eq!(analysis.diagnostics, direct.diagnostics);
        assert!(!analysis.diagnostics.is_empty(), "the bad boolean is reported");
        assert!(prefetch.take(text, &inputs(), 8).is_none(), "handed out once");
    }

    #[test]
    fn an_analysis_of_another_text_or_platform_is_not_handed_out() {
        let mut prefetch = Prefetch::default();
        prefetch.set_inputs(inputs());
        prefetch.start("[main]\n");
        assert!(prefetch.take("[main]\r\n", &inputs(), 2).is_none());
        prefetch.start("[main]\n");
        let windows = Inputs { platform: Platform::Windows, ..inputs() };
        assert!(prefetch.take("[main]\n", &windows, 2).is_none());
    }
}
