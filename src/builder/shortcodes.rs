//! Template tags of other blog engines, turned into Markdown so imported posts build unchanged.
//!
//! Jekyll/Liquid (`{% highlight x %}`, `{% raw %}`, `{% post_url … %}`, `{% link … %}`,
//! `{{ site.baseurl }}`), Hugo (`{{< figure >}}`, `{{< highlight >}}`, `{{< ref >}}`,
//! `{{% note %}}`) and Zola (`{{ name(…) }}`, `{% name(…) %}…{% end %}`) tags become their Markdown
//! equivalent where one exists; any other tag is dropped and the text it wraps kept, so a build never
//! fails on them. Fenced code blocks and inline code are left exactly as written.

/// Converts the template tags of `body`. Bodies without `{{` or `{%` are returned untouched.
pub fn convert(body: &str) -> String {
    if !body.contains("{{") && !body.contains("{%") {
        return body.to_string();
    }
    let mut out = String::with_capacity(body.len());
    let mut fences = Fences::default();
    for line in body.split_inclusive('\n') {
        if fences.is_code(line) {
            out.push_str(line);
        } else {
            convert_line(line, &mut out);
        }
    }
    out
}

/// Code fences (```` ``` ````, `~~~`), followed line by line: the rewrites of other engines'
/// syntax leave code exactly as written.
#[derive(Default)]
pub struct Fences {
    /// The run of backticks or tildes that opened the fence the lines are in.
    open: Option<String>,
}

impl Fences {
    /// Whether `line`, the next line of the body, is code: a fence's opening or closing line, or
    /// a line between them.
    pub fn is_code(&mut self, line: &str) -> bool {
        let trimmed = line.trim();
        if let Some(run) = &self.open {
            if trimmed.starts_with(run.as_str()) && trimmed.chars().all(|c| run.starts_with(c)) {
                self.open = None;
            }
            return true;
        }
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            let ch = trimmed.chars().next().unwrap_or('`');
            self.open = Some(trimmed.chars().take_while(|c| *c == ch).collect());
            return true;
        }
        false
    }
}

/// Converts the tags of one line outside code fences, leaving inline code spans alone.
fn convert_line(line: &str, out: &mut String) {
    let mut rest = line;
    while !rest.is_empty() {
        // Inline code: copy through to its closing run of backticks.
        let next_code = rest.find('`');
        let next_tag = [rest.find("{{"), rest.find("{%")]
            .into_iter()
            .flatten()
            .min();
        match (next_code, next_tag) {
            (Some(c), Some(t)) if c < t => {
                let run = rest[c..].chars().take_while(|ch| *ch == '`').count();
                let ticks = &rest[c..c + run];
                let after = &rest[c + run..];
                let end = after.find(ticks).map_or(rest.len(), |e| c + run + e + run);
                out.push_str(&rest[..end]);
                rest = &rest[end..];
            }
            (_, Some(t)) => {
                out.push_str(&rest[..t]);
                let close = if rest[t..].starts_with("{%") {
                    "%}"
                } else {
                    "}}"
                };
                let Some(end) = rest[t + 2..].find(close).map(|e| t + 2 + e + 2) else {
                    out.push_str(&rest[t..]);
                    return;
                };
                let tag = &rest[t..end];
                out.push_str(&replace_tag(tag));
                rest = &rest[end..];
            }
            _ => {
                out.push_str(rest);
                return;
            }
        }
    }
}

/// The Markdown for one tag (including its delimiters).
fn replace_tag(tag: &str) -> String {
    // Strip `{{<` `>}}`, `{{%` `%}}`, `{%-` `-%}`, `{{` `}}`, `{%` `%}`.
    let inner = tag[2..tag.len() - 2]
        .trim_matches(|c: char| c == '<' || c == '>' || c == '%' || c == '-' || c.is_whitespace());
    let closing = inner.starts_with('/');
    let inner = inner.trim_start_matches('/').trim();
    let (name, args) = inner
        .split_once(|c: char| c.is_whitespace() || c == '(')
        .map_or((inner, ""), |(n, a)| (n, a.trim_end_matches(')')));
    if closing {
        return match name {
            "highlight" => "```".to_string(),
            _ => String::new(),
        };
    }
    match name {
        // Code blocks.
        "highlight" => format!("```{}", first_word(args)),
        "endhighlight" => "```".to_string(),
        // Liquid's escape hatch: the tags go, the text stays.
        "raw" | "endraw" | "end" | "endcomment" | "comment" => String::new(),
        // Links to other posts.
        "post_url" => format!("/posts/{}", jekyll_slug(first_word(args))),
        "link" => format!("/posts/{}", jekyll_slug(first_word(args))),
        "ref" | "relref" => format!("/posts/{}", file_slug(&unquote(first_word(args)))),
        // Figures: Markdown images with alt text and caption.
        "figure" | "img" | "image" => {
            let src = attr(args, "src").unwrap_or_default();
            let alt = attr(args, "alt")
                .or_else(|| attr(args, "title"))
                .unwrap_or_default();
            match attr(args, "caption").or_else(|| attr(args, "title")) {
                Some(caption) => format!("![{alt}]({src} \"{}\")", caption.replace('"', "'")),
                None => format!("![{alt}]({src})"),
            }
        }
        // Embedded players become plain links: no third-party requests while reading.
        "youtube" => {
            let id = attr(args, "id").unwrap_or_else(|| unquote(first_word(args)));
            format!("[Video on YouTube](https://www.youtube.com/watch?v={id})")
        }
        "vimeo" => {
            let id = attr(args, "id").unwrap_or_else(|| unquote(first_word(args)));
            format!("[Video on Vimeo](https://vimeo.com/{id})")
        }
        "gist" => {
            let mut words = args.split_whitespace().map(unquote);
            let (user, id) = (
                words.next().unwrap_or_default(),
                words.next().unwrap_or_default(),
            );
            format!("[Gist {id}](https://gist.github.com/{user}/{id})")
        }
        // Anything else (`{{ site.baseurl }}`, includes, unknown shortcodes): dropped.
        _ => String::new(),
    }
}

fn first_word(args: &str) -> &str {
    args.split_whitespace().next().unwrap_or("")
}

fn unquote(text: &str) -> String {
    text.trim_matches(|c| c == '"' || c == '\'').to_string()
}

/// `name="value"` or `name='value'` (Hugo), `name=value` (Zola call syntax also uses quotes).
fn attr(args: &str, name: &str) -> Option<String> {
    let mut search = args;
    while let Some(i) = search.find(name) {
        let before_ok = i == 0 || !search.as_bytes()[i - 1].is_ascii_alphanumeric();
        let after = search[i + name.len()..].trim_start();
        if before_ok {
            if let Some(value) = after.strip_prefix('=') {
                let value = value.trim_start();
                let quote = value.chars().next()?;
                if quote == '"' || quote == '\'' {
                    let end = value[1..].find(quote)?;
                    return Some(value[1..1 + end].to_string());
                }
                let end = value.find([' ', ',', ')']).unwrap_or(value.len());
                return Some(value[..end].to_string());
            }
        }
        search = &search[i + name.len()..];
    }
    None
}

/// The slug Jekyll gives `2020-01-01-some-post` or `_posts/2020-01-01-some-post.md`.
fn jekyll_slug(reference: &str) -> String {
    let slug = file_slug(reference);
    super::front_matter::date_prefix(&slug)
        .map(|(_, rest)| rest.to_string())
        .unwrap_or(slug)
}

/// The file name of a path without folders and extension (`posts/a-post.md` → `a-post`).
fn file_slug(reference: &str) -> String {
    let name = reference
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(reference);
    let name = name
        .strip_suffix(".md")
        .or_else(|| name.strip_suffix(".markdown"))
        .unwrap_or(name);
    if name == "index" {
        // A page bundle: the folder is the slug.
        let parent = reference
            .trim_end_matches('/')
            .rsplit('/')
            .nth(1)
            .unwrap_or(name);
        return parent.to_string();
    }
    name.to_string()
}

/// Docusaurus's and VitePress's admonitions (`:::note Title` … `:::`, `:::tip[Title]`) become
/// block quotes led by their title in bold (or their kind: "Note", "Warning"), as a reader of any
/// Markdown sees them; nested ones (`::::`) nest. Code fences are left exactly as written, inside
/// an admonition too. Bodies without `:::` are returned untouched.
pub fn admonitions(body: &str) -> String {
    if !body.contains(":::") {
        return body.to_string();
    }
    let mut out = String::with_capacity(body.len() + 64);
    let mut open: Vec<usize> = Vec::new();
    let mut fences = Fences::default();
    for line in body.split_inclusive('\n') {
        let trimmed = line.trim();
        let quote = "> ".repeat(open.len());
        if fences.is_code(line) {
            // Code, inside an admonition too: quoted with it, never read as a marker.
        } else if let Some((colons, title)) = admonition_start(trimmed) {
            out.push_str(&format!("{quote}> **{title}**\n{quote}>\n"));
            open.push(colons);
            continue;
        } else if trimmed.len() >= 3 && trimmed.chars().all(|c| c == ':') && !open.is_empty() {
            open.pop();
            out.push_str(&"> ".repeat(open.len()));
            out.push('\n');
            continue;
        }
        out.push_str(&quote);
        out.push_str(line);
    }
    out
}

/// `:::kind Title`, `:::kind[Title]`: the number of colons and the title (the kind, capitalised,
/// when none is given).
fn admonition_start(line: &str) -> Option<(usize, String)> {
    let colons = line.chars().take_while(|c| *c == ':').count();
    if colons < 3 {
        return None;
    }
    let rest = line[colons..].trim_start();
    let kind: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect();
    if kind.is_empty() {
        return None;
    }
    let after = rest[kind.len()..].trim();
    let title = after
        .strip_prefix('[')
        .and_then(|t| t.split_once(']'))
        .map_or(after, |(t, _)| t)
        .trim();
    let title = if title.is_empty() || title.starts_with('{') {
        let mut chars = kind.chars();
        let first = chars
            .next()
            .map(|c| c.to_ascii_uppercase())
            .unwrap_or_default();
        format!("{first}{}", chars.as_str().to_ascii_lowercase())
    } else {
        title.to_string()
    };
    Some((colons, title))
}

#[cfg(test)]
mod tests {
    use super::{admonitions, convert};

    #[test]
    fn jekyll_tags_become_markdown() {
        assert_eq!(
            convert("{% highlight ruby linenos %}\nputs 1\n{% endhighlight %}\n"),
            "```ruby\nputs 1\n```\n"
        );
        assert_eq!(
            convert("See [it]({% post_url 2020-01-05-winter-camp %})."),
            "See [it](/posts/winter-camp)."
        );
        assert_eq!(
            convert("[a]({% link _posts/2020-01-05-winter-camp.md %})"),
            "[a](/posts/winter-camp)"
        );
        assert_eq!(
            convert("![x]({{ site.baseurl }}/assets/a.png)"),
            "![x](/assets/a.png)"
        );
        assert_eq!(convert("{% raw %}{{ not a tag }}{% endraw %}"), "");
        assert_eq!(convert("{% include note.html %}Text"), "Text");
    }

    #[test]
    fn hugo_shortcodes_become_markdown() {
        assert_eq!(
            convert(r#"{{< figure src="/img/boat.jpg" alt="A boat" caption="On the river" >}}"#),
            r#"![A boat](/img/boat.jpg "On the river")"#
        );
        assert_eq!(
            convert("{{< highlight go >}}\nx := 1\n{{< /highlight >}}"),
            "```go\nx := 1\n```"
        );
        assert_eq!(
            convert(r#"[next]({{< ref "day-2.md" >}})"#),
            "[next](/posts/day-2)"
        );
        assert_eq!(
            convert(r#"[b]({{< relref "/posts/bundle/index.md" >}})"#),
            "[b](/posts/bundle)"
        );
        assert_eq!(
            convert("{{< youtube w7Ft2ymGmfc >}}"),
            "[Video on YouTube](https://www.youtube.com/watch?v=w7Ft2ymGmfc)"
        );
        assert_eq!(convert("{{% note %}}Careful{{% /note %}}"), "Careful");
    }

    #[test]
    fn zola_shortcodes_become_markdown() {
        assert_eq!(
            convert(r#"{{ youtube(id="abc") }}"#),
            "[Video on YouTube](https://www.youtube.com/watch?v=abc)"
        );
        assert_eq!(
            convert("{% quote(author=\"Sam\") %}Hello{% end %}"),
            "Hello"
        );
    }

    #[test]
    fn code_is_left_as_written() {
        let text = "```liquid\n{% highlight x %}\n```\nand `{{ site.title }}` inline\n";
        assert_eq!(convert(text), text);
        let plain = "No tags at all {here}.";
        assert_eq!(convert(plain), plain);
    }

    #[test]
    fn unclosed_tags_are_kept_as_text() {
        assert_eq!(convert("a {% broken"), "a {% broken");
    }

    #[test]
    fn admonitions_become_block_quotes_with_their_title() {
        let body = "Before.\n\n:::warning Mind the tide\n\nThe **ford** floods.\n\n```sh\n:::not-an-admonition\n```\n:::\n\n:::tip[Pack light]\nOne bag.\n:::\n\n::::note\nOuter.\n:::info\nInner.\n:::\n::::\n\nAfter.\n";
        let out = admonitions(body);
        assert_eq!(
            out,
            "Before.\n\n> **Mind the tide**\n>\n> \n> The **ford** floods.\n> \n> ```sh\n> :::not-an-admonition\n> ```\n\n\n> **Pack light**\n>\n> One bag.\n\n\n> **Note**\n>\n> Outer.\n> > **Info**\n> >\n> > Inner.\n> \n\n\nAfter.\n"
        );
        assert_eq!(admonitions("No colons: here."), "No colons: here.");
        assert_eq!(admonitions("a ::: b\n"), "a ::: b\n");
    }
}
