// Served by `fieldnotes serve` only, and added to the pages it serves (never to a built site):
// follows the server's event stream, reloads the page when the site was rebuilt, keeping the
// reader's place, and shows what is wrong when the content does not build.
(() => {
  const script = document.currentScript;
  const url = new URL(script.src);
  const since = url.searchParams.get("since") || "0";
  const events = new URL("events?since=" + since, url);
  const place = "fieldnotes:preview-scroll:" + location.pathname;

  // Back where the reader was before the reload, once the page is tall enough again (the app
  // draws the page after this script runs).
  const saved = sessionStorage.getItem(place);
  if (saved !== null) {
    sessionStorage.removeItem(place);
    const y = Number(saved);
    let tries = 0;
    const restore = () => {
      if (document.documentElement.scrollHeight - innerHeight >= y || tries++ > 60) {
        scrollTo(0, y);
      } else {
        requestAnimationFrame(restore);
      }
    };
    addEventListener("load", () => requestAnimationFrame(restore));
  }

  let notice = null;
  const show = (text) => {
    if (!notice) {
      notice = document.createElement("pre");
      notice.id = "fieldnotes-preview-problem";
      notice.setAttribute("role", "alert");
      // Styles through the CSSOM, which the site's policy allows (a style attribute it would not).
      Object.assign(notice.style, {
        position: "fixed", left: "0", right: "0", bottom: "0", zIndex: "2147483647",
        margin: "0", padding: "1rem", maxHeight: "50vh", overflow: "auto",
        background: "#fff4f2", color: "#5c0f00", borderTop: "3px solid #c0392b",
        font: "14px/1.4 ui-monospace, monospace", whiteSpace: "pre-wrap",
      });
      document.body.append(notice);
    }
    notice.textContent = "The site does not build; the page shows the last good version.\n\n" + text;
  };

  const source = new EventSource(events);
  source.addEventListener("reload", () => {
    sessionStorage.setItem(place, String(scrollY));
    source.close();
    location.reload();
  });
  source.addEventListener("problem", (event) => show(event.data));
})();
