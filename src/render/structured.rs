//! schema.org structured data for guides, as JSON-LD in the page's head:
//! a `TechArticle` (with `dateModified` from `checked`, so a search engine
//! can tell how fresh the advice is) and the breadcrumbs as a
//! `BreadcrumbList`. URLs are absolute when `site-url` has a host, else
//! relative to the page, which JSON-LD resolves against the page's URL.

use serde_json::{json, Map, Value};

use crate::content::date::Date;

/// What a guide's structured data says.
pub struct Article<'a> {
    /// The site's title and its URL.
    pub site: (&'a str, &'a str),
    /// The page's title.
    pub title: &'a str,
    /// Its description.
    pub description: Option<&'a str>,
    /// Its URL.
    pub url: &'a str,
    /// `[book] language`.
    pub language: &'a str,
    /// Front matter `checked`.
    pub checked: Option<Date>,
    /// Front matter `tags`.
    pub tags: &'a [String],
    /// The breadcrumbs from the home page to the page itself: name, URL.
    pub trail: Vec<(String, String)>,
}

/// The `<script type="application/ld+json">` text: one `@graph` holding
/// both objects, with no `<` unescaped (so no `</script>` can end it).
pub fn json_ld(a: &Article<'_>) -> String {
    let mut article = Map::new();
    article.insert("@type".into(), json!("TechArticle"));
    article.insert("headline".into(), json!(a.title));
    article.insert("name".into(), json!(a.title));
    if let Some(d) = a.description {
        article.insert("description".into(), json!(d));
    }
    article.insert("url".into(), json!(a.url));
    article.insert("mainEntityOfPage".into(), json!(a.url));
    article.insert("inLanguage".into(), json!(a.language));
    if let Some(date) = a.checked {
        article.insert("dateModified".into(), json!(date.to_string()));
    }
    if !a.tags.is_empty() {
        article.insert("keywords".into(), json!(a.tags.join(", ")));
    }
    article.insert(
        "isPartOf".into(),
        json!({"@type": "WebSite", "name": a.site.0, "url": a.site.1}),
    );
    let items: Vec<Value> = a
        .trail
        .iter()
        .enumerate()
        .map(|(i, (name, url))| {
            json!({"@type": "ListItem", "position": i + 1, "name": name, "item": url})
        })
        .collect();
    let graph = json!({
        "@context": "https://schema.org",
        "@graph": [
            Value::Object(article),
            {"@type": "BreadcrumbList", "itemListElement": items},
        ],
    });
    graph.to_string().replace('<', "\\u003c")
}
