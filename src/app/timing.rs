//! Time in the app: User Timing measures the browser's performance tools (and the project's
//! measurement commands) can read, and waiting without blocking.

use leptos::prelude::set_timeout;

/// A User Timing measure under way, so the browser's performance tools (and the project's
/// measurement commands) can see how long something took. Each has its own start mark, so
/// measures that overlap (searches while typing) do not mix.
pub struct Span {
    name: &'static str,
    mark: String,
}

impl Span {
    pub fn start(name: &'static str) -> Span {
        thread_local!(static NEXT: std::cell::Cell<u32> = const { std::cell::Cell::new(0) });
        let n = NEXT.with(|next| next.replace(next.get().wrapping_add(1)));
        let mark = format!("{name}:start:{n}");
        if let Some(p) = performance() {
            let _ = p.mark(&mark);
        }
        Span { name, mark }
    }

    /// Records the measure `name`, from the start to now.
    pub fn end(self) {
        if let Some(p) = performance() {
            let _ = p.measure_with_start_mark(self.name, &self.mark);
            p.clear_marks_with_mark_name(&self.mark);
        }
    }
}

fn performance() -> Option<web_sys::Performance> {
    web_sys::window().and_then(|w| w.performance())
}

/// Runs `work` inside a User Timing measure named `name`.
pub fn timed<R>(name: &'static str, work: impl FnOnce() -> R) -> R {
    let span = Span::start(name);
    let result = work();
    span.end();
    result
}

/// Resolves after `duration`.
pub async fn sleep(duration: std::time::Duration) {
    let (tx, rx) = futures::channel::oneshot::channel::<()>();
    set_timeout(
        move || {
            let _ = tx.send(());
        },
        duration,
    );
    let _ = rx.await;
}
