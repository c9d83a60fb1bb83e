//! `pageclean._native`: the Python binding of `clean` (PyO3, abi3).
//!
//! A thin layer: rule loading is the CLI's own (`cli::input::load_rules`), cleaning is the
//! filter's (`cli::stream::clean_text`: whole, or in pieces over the cap), explanations are
//! `report::explain::entries`. `str` in gives `str` out, `bytes` in gives `bytes` out with
//! every kept byte as it came (invalid UTF-8, CRLF, lone CR). `clean_batch` releases the
//! GIL and spreads the documents over worker threads kept for the life of the `Rules`.
//! `main` runs the `clean` command itself, so the wheel ships the same CLI.

use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};

use clean::report::explain;
use clean::{Page, RuleSet};
use pyo3::create_exception;
use pyo3::exceptions::{PyFileNotFoundError, PyOSError, PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString};

// The CLI's sources, compiled into this module: the `clean` console command is `main`.
#[allow(dead_code, unused_imports)]
#[path = "../../src/cli/mod.rs"]
mod cli;

create_exception!(
    _native,
    RuleError,
    PyValueError,
    "A rule file was rejected; the message is clean's (file:line:col: what (rule id))."
);

/// One document as it came from Python: its bytes, and whether to hand back a `str`.
struct Doc {
    bytes: Vec<u8>,
    is_str: bool,
}

impl Doc {
    fn extract(obj: &Bound<'_, PyAny>) -> PyResult<Doc> {
        if let Ok(b) = obj.cast::<PyBytes>() {
            return Ok(Doc {
                bytes: b.as_bytes().to_vec(),
                is_str: false,
            });
        }
        if let Ok(s) = obj.cast::<PyString>() {
            return Ok(Doc {
                bytes: s.to_cow()?.into_owned().into_bytes(),
                is_str: true,
            });
        }
        Err(PyTypeError::new_err(format!(
            "expected str or bytes, got {}",
            obj.get_type().name()?
        )))
    }

    /// The cleaned bytes as the same Python type as the input. Kept text of a `str` is
    /// whole lines and spans cut at match boundaries, so it is valid UTF-8; the lossy
    /// conversion is only a guard that can never panic.
    fn wrap<'py>(is_str: bool, py: Python<'py>, out: &[u8]) -> Bound<'py, PyAny> {
        if is_str {
            PyString::new(py, &String::from_utf8_lossy(out)).into_any()
        } else {
            PyBytes::new(py, out).into_any()
        }
    }
}

/// A compiled rule set: the embedded defaults and/or rule files.
#[pyclass(frozen, module = "pageclean")]
struct Rules {
    set: Arc<RuleSet>,
    workers: Workers,
}

#[pymethods]
impl Rules {
    #[new]
    #[pyo3(signature = (paths = None, defaults = true, disable = None))]
    fn new(
        py: Python<'_>,
        paths: Option<Vec<PathBuf>>,
        defaults: bool,
        disable: Option<Vec<String>>,
    ) -> PyResult<Self> {
        let args = cli::args::RuleArgs {
            rules: paths.unwrap_or_default(),
            no_default_rules: !defaults,
            disable: disable.unwrap_or_default(),
            config: None,
            no_config: true,
        };
        if args.rules.is_empty() && args.no_default_rules {
            return Err(RuleError::new_err(
                "no rules: defaults=False needs at least one path",
            ));
        }
        // The CLI's own loading, with no configuration file: an API call says it all.
        let config = cli::config::Config::default();
        let set = py
            .detach(|| cli::input::load_rules(&args, &config))
            .map_err(|e| {
                let msg = format!("{e:#}");
                let io = e.chain().find_map(|c| c.downcast_ref::<std::io::Error>());
                match io.map(std::io::Error::kind) {
                    Some(std::io::ErrorKind::NotFound) => PyFileNotFoundError::new_err(msg),
                    Some(_) => PyOSError::new_err(msg),
                    None => RuleError::new_err(msg),
                }
            })?;
        let set = Arc::new(set);
        Ok(Rules {
            workers: Workers::new(Arc::clone(&set)),
            set,
        })
    }

    /// Clean one document, as `clean --url URL` does.
    #[pyo3(signature = (text, url = None))]
    fn clean<'py>(
        &self,
        py: Python<'py>,
        text: &Bound<'py, PyAny>,
        url: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let doc = Doc::extract(text)?;
        let out = py.detach(|| clean_text(&self.set, &doc.bytes, url));
        Ok(Doc::wrap(doc.is_str, py, &out))
    }

    /// Clean many documents on `threads` threads (default: every core), without the GIL.
    #[pyo3(signature = (texts, urls = None, threads = None))]
    fn clean_batch<'py>(
        &self,
        py: Python<'py>,
        texts: &Bound<'py, PyAny>,
        urls: Option<Vec<Option<String>>>,
        threads: Option<usize>,
    ) -> PyResult<Bound<'py, PyList>> {
        let docs = texts
            .try_iter()?
            .map(|t| Doc::extract(&t?))
            .collect::<PyResult<Vec<Doc>>>()?;
        if let Some(u) = &urls {
            if u.len() != docs.len() {
                return Err(PyValueError::new_err(format!(
                    "{} texts but {} urls",
                    docs.len(),
                    u.len()
                )));
            }
        }
        let threads = threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, NonZeroUsize::get))
            .clamp(1, docs.len().max(1));
        let is_str: Vec<bool> = docs.iter().map(|d| d.is_str).collect();
        let bytes = docs.into_iter().map(|d| d.bytes).collect();
        let outs = py.detach(|| self.workers.clean_all(bytes, urls, threads))?;
        let items = is_str
            .into_iter()
            .zip(&outs)
            .map(|(is_str, o)| Doc::wrap(is_str, py, o));
        PyList::new(py, items)
    }

    /// The removals of one document, as `clean --explain --format json` lists them: one
    /// dict per entry with `lines` ([first, last], 1-based), `rule`, `why`, `action`
    /// (`site`, `removed`, `stripped` or `backed-off`) and `text`.
    #[pyo3(signature = (text, url = None))]
    fn explain<'py>(
        &self,
        py: Python<'py>,
        text: &Bound<'py, PyAny>,
        url: Option<&str>,
    ) -> PyResult<Bound<'py, PyList>> {
        let doc = Doc::extract(text)?;
        let page = Page::new(&doc.bytes);
        let outcome = self.set.apply(&page, url);
        let list = PyList::empty(py);
        let sites = self.set.sites_applied(&page, url);
        for e in explain::entries("<text>", &page, &outcome, &self.set, &sites) {
            let d = PyDict::new(py);
            d.set_item("lines", e.lines.to_vec())?;
            d.set_item("rule", e.rule)?;
            d.set_item("why", e.why.as_ref())?;
            d.set_item("action", e.action)?;
            d.set_item("text", e.text)?;
            list.append(d)?;
        }
        Ok(list)
    }

    /// The ids of the loaded rules, in load order.
    fn rule_ids(&self) -> Vec<String> {
        self.set.rules().iter().map(|r| r.id.to_string()).collect()
    }

    fn __repr__(&self) -> String {
        format!("<pageclean.Rules: {} rules>", self.set.rules().len())
    }
}

/// `text` cleaned as the filter cleans a page read from a file at its default cap: whole
/// when within it, else in pieces (`cli::stream::clean_text`), so that a huge text costs
/// no more memory than a page and comes out as `clean` prints it.
fn clean_text(set: &RuleSet, text: &[u8], url: Option<&str>) -> Vec<u8> {
    cli::stream::clean_text(set, url, text, cli::args::DEFAULT_MAX_PAGE_BYTES, |_| {})
}

/// One `clean_batch` call's work, shared by the workers it was given to: each takes the
/// next document in turn (so one long page does not hold up a whole chunk) and sends its
/// result back with its index.
struct Batch {
    docs: Vec<Vec<u8>>,
    urls: Option<Vec<Option<String>>>,
    next: AtomicUsize,
    done: mpsc::Sender<(usize, Vec<u8>)>,
}

impl Batch {
    fn work(&self, set: &RuleSet) {
        loop {
            let i = self.next.fetch_add(1, Ordering::Relaxed);
            let Some(d) = self.docs.get(i) else { return };
            let url = self.urls.as_ref().and_then(|u| u[i].as_deref());
            if self.done.send((i, clean_text(set, d, url))).is_err() {
                return;
            }
        }
    }
}

/// Worker threads kept for the life of a [`Rules`]: a thread's regex caches are built
/// as it meets the pages (see `engine/re.rs`), so fresh threads for every call would
/// start cold each time.
struct Workers {
    set: Arc<RuleSet>,
    queues: Mutex<Vec<mpsc::Sender<Arc<Batch>>>>,
}

impl Workers {
    fn new(set: Arc<RuleSet>) -> Self {
        Workers {
            set,
            queues: Mutex::new(Vec::new()),
        }
    }

    /// Clean every document on `threads` workers; results in input order.
    fn clean_all(
        &self,
        docs: Vec<Vec<u8>>,
        urls: Option<Vec<Option<String>>>,
        threads: usize,
    ) -> PyResult<Vec<Vec<u8>>> {
        let n = docs.len();
        let (done, results) = mpsc::channel();
        let batch = Arc::new(Batch {
            docs,
            urls,
            next: AtomicUsize::new(0),
            done,
        });
        {
            let mut queues = self.queues.lock().unwrap_or_else(|e| e.into_inner());
            for k in 0..threads {
                let sent = queues
                    .get(k)
                    .is_some_and(|q| q.send(Arc::clone(&batch)).is_ok());
                if !sent {
                    // A new worker (or one in place of a worker that died).
                    let (tx, rx) = mpsc::channel::<Arc<Batch>>();
                    let set = Arc::clone(&self.set);
                    std::thread::Builder::new()
                        .name(format!("pageclean-{k}"))
                        .spawn(move || {
                            for b in rx {
                                b.work(&set);
                            }
                        })
                        .map_err(|e| PyOSError::new_err(format!("cannot start a thread: {e}")))?;
                    tx.send(Arc::clone(&batch))
                        .map_err(|_| PyRuntimeError::new_err("a pageclean worker stopped"))?;
                    if k < queues.len() {
                        queues[k] = tx;
                    } else {
                        queues.push(tx);
                    }
                }
            }
        }
        drop(batch); // the workers hold the rest: the channel closes when they are done
        let mut outs = vec![Vec::new(); n];
        let mut got = 0;
        for (i, out) in results {
            outs[i] = out;
            got += 1;
        }
        if got != n {
            return Err(PyRuntimeError::new_err(
                "a pageclean worker stopped before its documents were done (a bug: please report it)",
            ));
        }
        Ok(outs)
    }
}

/// Run the `clean` command with `argv` (program name first); returns its exit status.
#[pyfunction]
fn main(py: Python<'_>, argv: Vec<std::ffi::OsString>) -> u8 {
    let code = py.detach(|| cli::run::main_from(argv));
    // ExitCode has no getter on stable Rust; the CLI only uses small codes.
    (0..=u8::MAX)
        .find(|&c| ExitCode::from(c) == code)
        .unwrap_or(2)
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Rules>()?;
    m.add("RuleError", m.py().get_type::<RuleError>())?;
    m.add_function(wrap_pyfunction!(main, m)?)?;
    Ok(())
}
