/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "sb-templates-private.h"

static JsonNode *
context_from (const char *json)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (json, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

static SbTemplates *
templates_with (const char *name,
                const char *source)
{
  g_autoptr(SbTemplates) templates = sb_templates_new ();
  g_autoptr(GError) error = NULL;

  gboolean ok = sb_templates_add (templates, name, source, &error);

  g_assert_no_error (error);
  g_assert_true (ok);
  return g_steal_pointer (&templates);
}

static char *
render (SbTemplates *templates,
        const char  *name,
        const char  *json)
{
  g_autoptr(JsonNode) context = json != NULL ? context_from (json) : NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = sb_templates_render (templates, name, context, &error);
  gsize size;
  const char *data;

  g_assert_no_error (error);
  g_assert_nonnull (bytes);
  data = g_bytes_get_data (bytes, &size);
  return g_strndup (data, size);
}

/* Compiles @source alone and renders it with @json. */
static char *
render_one (const char *source,
            const char *json)
{
  g_autoptr(SbTemplates) templates = templates_with ("t", source);

  return render (templates, "t", json);
}

static void
assert_renders (const char *source,
                const char *json,
                const char *expected)
{
  g_autofree char *out = render_one (source, json);

  g_assert_cmpstr (out, ==, expected);
}

/* The message must name the template and the line, and say what is wrong. */
static void
assert_message (const GError *error,
                const char   *template_name,
                guint         line,
                const char   *what)
{
  g_autofree char *where = g_strdup_printf ("Template “%s”, line %u: ", template_name, line);

  if (!g_str_has_prefix (error->message, where) || strstr (error->message, what) == NULL)
    g_error ("“%s” does not start with “%s” and mention “%s”", error->message, where, what);
}

static void
assert_compile_error (const char *source,
                      guint       line,
                      const char *what)
{
  g_autoptr(SbTemplates) templates = sb_templates_new ();
  g_autoptr(GError) error = NULL;

  g_assert_false (sb_templates_add (templates, "broken", source, &error));
  g_assert_error (error, SB_TEMPLATES_ERROR, SB_TEMPLATES_ERROR_COMPILE);
  assert_message (error, "broken", line, what);
  g_assert_false (sb_templates_has (templates, "broken"));
}

static void
assert_render_error (const char *source,
                     const char *json,
                     guint       line,
                     const char *what)
{
  g_autoptr(SbTemplates) templates = templates_with ("page", source);
  g_autoptr(JsonNode) context = context_from (json);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = sb_templates_render (templates, "page", context, &error);

  g_assert_null (bytes);
  g_assert_error (error, SB_TEMPLATES_ERROR, SB_TEMPLATES_ERROR_RENDER);
  assert_message (error, "page", line, what);
}

static void
test_text_verbatim (void)
{
  assert_renders ("", "{}", "");
  assert_renders ("plain <b>markup</b> & \"quotes\"\n", "{}", "plain <b>markup</b> & \"quotes\"\n");
  assert_renders ("one } brace and a { and } }", "{}", "one } brace and a { and } }");
  assert_renders ("héllo wörld ✓", "{}", "héllo wörld ✓");
}

static void
test_escape_text (void)
{
  assert_renders ("<p>{{v}}</p>", "{\"v\": \"&<>\\\"'`=\"}",
                  "<p>&amp;&lt;&gt;&quot;&#39;&#96;&#61;</p>");
  assert_renders ("{{v}}", "{\"v\": \"<script>alert(1)</script>\"}",
                  "&lt;script&gt;alert(1)&lt;/script&gt;");
  assert_renders ("{{v}}", "{\"v\": \"&amp; already\"}", "&amp;amp; already");
  assert_renders ("{{v}}", "{\"v\": \"日本語 ünïcode\"}", "日本語 ünïcode");
  assert_renders ("{{v}}", "{\"v\": \"{{x}}\"}", "{{x}}");
}

static void
test_escape_attributes (void)
{
  const char *json = "{\"v\": \"x\\\" onmouseover=\\\"alert(1)\", \"w\": \"x' onclick='y\"}";

  assert_renders ("<a title=\"{{v}}\" alt='{{w}}'>", json,
                  "<a title=\"x&quot; onmouseover&#61;&quot;alert(1)\" "
                  "alt='x&#39; onclick&#61;&#39;y'>");
  assert_renders ("<input value=\"{{v}}\">", "{\"v\": \"\\\"><script>x()</script>\"}",
                  "<input value=\"&quot;&gt;&lt;script&gt;x()&lt;/script&gt;\">");
  assert_renders ("<a href=\"/f/{{v|url}}\">", "{\"v\": \"\\\" onclick=\\\"x\"}",
                  "<a href=\"/f/%22%20onclick%3D%22x\">");
}

static void
test_escape_invalid_utf8 (void)
{
  g_autoptr(SbTemplates) templates = templates_with ("t", "[{{v}}]");
  g_autoptr(JsonNode) context = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  json_object_set_string_member (object, "v", "a\xff<");
  json_node_set_object (context, object);
  bytes = sb_templates_render (templates, "t", context, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                   "[a\xef\xbf\xbd&lt;]", strlen ("[a\xef\xbf\xbd&lt;]"));
}

static void
test_url_filter (void)
{
  assert_renders ("{{v|url}}", "{\"v\": \"AZaz09-._~\"}", "AZaz09-._~");
  assert_renders ("{{v|url}}", "{\"v\": \"a b/c?d#e%f&g=h+i\"}",
                  "a%20b%2Fc%3Fd%23e%25f%26g%3Dh%2Bi");
  assert_renders ("{{v|url}}", "{\"v\": \"é ✓ 日\"}", "%C3%A9%20%E2%9C%93%20%E6%97%A5");
  assert_renders ("{{v|url}}", "{\"v\": \"<'\\\"`>\"}", "%3C%27%22%60%3E");
  assert_renders ("{{v|url}}", "{\"v\": \"../..\"}", "..%2F..");
  assert_renders ("{{ v | url }}", "{\"v\": \"a/b\"}", "a%2Fb");
  assert_renders ("{{n|url}} {{d|url}} [{{z|url}}]", "{\"n\": -12, \"d\": 1e21, \"z\": null}",
                  "-12 1e%2B21 []");
  assert_renders ("/files/{{name|url}}?q={{q|url}}", "{\"name\": \"x y.txt\", \"q\": \"a&b\"}",
                  "/files/x%20y.txt?q=a%26b");
}

static void
test_values_numbers_null (void)
{
  assert_renders ("{{i}} {{n}} {{big}} {{small}}",
                  "{\"i\": 42, \"n\": -7, \"big\": 9223372036854775807, "
                  "\"small\": -9223372036854775808}",
                  "42 -7 9223372036854775807 -9223372036854775808");
  assert_renders ("{{a}} {{b}} {{c}} {{d}} {{e}}",
                  "{\"a\": 0.5, \"b\": 3.0, \"c\": 0.1, \"d\": 1e21, \"e\": -2.25e-7}",
                  "0.5 3 0.1 1e+21 -2.25e-07");
  assert_renders ("[{{z}}]", "{\"z\": null}", "[]");
  assert_renders ("{{s}}", "{\"s\": \"\"}", "");
}

static void
test_values_not_printable (void)
{
  assert_render_error ("\n{{flag}}", "{\"flag\": true}", 2, "“flag” is a boolean");
  assert_render_error ("{{user}}", "{\"user\": {\"name\": \"x\"}}", 1, "“user” is an object");
  assert_render_error ("a\nb\n{{list}}", "{\"list\": [1]}", 3, "“list” is an array");
}

static void
test_missing_key (void)
{
  assert_render_error ("<p>\n  {{usr.name}}\n</p>", "{\"user\": {\"name\": \"a\"}}", 2,
                       "no value for “usr.name”");
  assert_render_error ("{{user.nmae}}", "{\"user\": {\"name\": \"a\"}}", 1,
                       "no value for “user.nmae”");
  assert_render_error ("{{user.name.first}}", "{\"user\": {\"name\": \"a\"}}", 1,
                       "no value for “user.name.first”");
  assert_render_error ("{{#list}}\n{{nope}}{{/list}}", "{\"list\": [{\"a\": 1}]}", 2,
                       "no value for “nope”");

  /* no context at all: every key is missing */
  {
    g_autoptr(SbTemplates) templates = templates_with ("t", "{{x}}");
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) bytes = sb_templates_render (templates, "t", NULL, &error);

    g_assert_error (error, SB_TEMPLATES_ERROR, SB_TEMPLATES_ERROR_RENDER);
    g_assert_null (bytes);
  }
}

static void
test_dotted (void)
{
  assert_renders ("{{a.b.c}}", "{\"a\": {\"b\": {\"c\": \"deep\"}}}", "deep");
  assert_renders ("{{a-b.c_d}}", "{\"a-b\": {\"c_d\": 1}}", "1");
}

static void
test_sections_arrays (void)
{
  assert_renders ("{{#list}}<{{.}}>{{/list}}", "{\"list\": [\"a\", 2, null, \"<&>\"]}",
                  "<a><2><><&lt;&amp;&gt;>");
  assert_renders ("{{#files}}{{name}}({{size}}) {{/files}}",
                  "{\"files\": [{\"name\": \"a\", \"size\": 1}, {\"name\": \"b\", \"size\": 2}]}",
                  "a(1) b(2) ");
  assert_renders ("[{{#list}}x{{/list}}]", "{\"list\": []}", "[]");
  assert_renders ("{{#rows}}{{#.}}{{.}}{{/.}};{{/rows}}", "{\"rows\": [[1, 2], [], [3]]}",
                  "12;;3;");
}

static void
test_sections_values (void)
{
  const char *source = "[{{#v}}yes{{/v}}|{{^v}}no{{/v}}]";

  assert_renders (source, "{\"v\": true}", "[yes|]");
  assert_renders (source, "{\"v\": false}", "[|no]");
  assert_renders (source, "{\"v\": null}", "[|no]");
  assert_renders (source, "{\"v\": []}", "[|no]");
  assert_renders (source, "{\"v\": [0]}", "[yes|]");
  assert_renders (source, "{\"v\": \"\"}", "[|no]");
  assert_renders (source, "{\"v\": \"text\"}", "[yes|]");
  assert_renders (source, "{\"v\": {}}", "[yes|]");
  assert_renders (source, "{\"v\": 0}", "[yes|]");
  assert_renders (source, "{\"v\": 0.0}", "[yes|]");
  assert_renders (source, "{}", "[|no]");
  assert_renders ("[{{#a.b}}yes{{/a.b}}{{^a.b}}no{{/a.b}}]", "{\"a\": {}}", "[no]");
  assert_renders ("[{{#a.b}}yes{{/a.b}}{{^a.b}}no{{/a.b}}]", "{\"a\": 1}", "[no]");

  /* an object, string or number becomes the current context */
  assert_renders ("{{#user}}{{name}}{{/user}}", "{\"user\": {\"name\": \"Ann\"}}", "Ann");
  assert_renders ("{{#s}}<{{.}}>{{/s}}{{#n}}<{{.}}>{{/n}}", "{\"s\": \"a&b\", \"n\": 5}",
                  "<a&amp;b><5>");
  /* true changes no context */
  assert_renders ("{{#ok}}{{name}}{{/ok}}", "{\"ok\": true, \"name\": \"n\"}", "n");
  /* an inverted section never changes the context */
  assert_renders ("{{^list}}{{name}}{{/list}}", "{\"list\": [], \"name\": \"n\"}", "n");
}

static void
test_sections_context_stack (void)
{
  const char *json =
    "{\"site\": \"SB\", \"name\": \"outer\", \"user\": {\"name\": \"Ann\", \"admin\": true},"
    " \"files\": [{\"name\": \"a.txt\"}, {\"title\": \"untitled\"}]}";

  /* innermost first: a file's name shadows the outer name; a file without
   * one sees the outer name, as Mustache says */
  assert_renders ("{{#files}}{{name}}@{{site}} {{/files}}", json, "a.txt@SB outer@SB ");
  assert_renders ("{{#user}}{{#admin}}{{name}} is admin{{/admin}}{{/user}}", json,
                  "Ann is admin");
  assert_renders ("{{#files}}{{user.name}},{{/files}}", json, "Ann,Ann,");
  /* after the first part, a dotted key does not go back up the stack */
  assert_renders ("{{#user}}[{{#user.name}}x{{/user.name}}]{{/user}}", json, "[x]");
  assert_renders ("{{#user}}{{#files}}{{name}}/{{/files}}{{/user}}", json, "a.txt/Ann/");
  assert_render_error ("{{#files}}{{title}}\n{{/files}}", json, 1, "no value for “title”");

  assert_renders ("{{#a}}{{#b}}{{#c}}{{x}}{{y}}{{z}}{{/c}}{{/b}}{{/a}}",
                  "{\"x\": 1, \"a\": {\"y\": 2, \"b\": [{\"c\": {\"z\": 3}}, "
                  "{\"c\": {\"z\": 4, \"x\": 5}}]}}",
                  "123524");
}

static void
test_comments_and_whitespace (void)
{
  assert_renders ("a{{! a comment }}b", "{}", "ab");
  assert_renders ("a{{! a {{ comment\n over lines }}b{{v}}", "{\"v\": \"c\"}", "abc");
  assert_renders ("{{ v }}{{# list }}{{ . }}{{/ list }}", "{\"v\": 1, \"list\": [2]}", "12");
  assert_renders ("  {{#list}}\n  <li>{{.}}</li>\n  {{/list}}\n", "{\"list\": [1]}",
                  "  \n  <li>1</li>\n  \n");
}

static void
test_partials (void)
{
  g_autoptr(SbTemplates) templates = sb_templates_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;

  g_assert_true (sb_templates_add (templates, "row", "<li>{{name}}@{{site}}</li>", &error));
  g_assert_true (sb_templates_add (templates, "list", "<ul>{{#files}}{{> row}}{{/files}}</ul>",
                                   &error));
  g_assert_true (sb_templates_add (templates, "page.v2", "{{>list}}|{{> row }}", &error));
  g_assert_no_error (error);
  g_assert_true (sb_templates_has (templates, "row"));
  g_assert_false (sb_templates_has (templates, "nope"));

  out = render (templates, "page.v2",
                "{\"site\": \"S\", \"name\": \"top\", \"files\": [{\"name\": \"a\"}, {}]}");
  g_assert_cmpstr (out, ==, "<ul><li>a@S</li><li>top@S</li></ul>|<li>top@S</li>");

  /* a render error inside a partial names the partial and its line */
  {
    g_autoptr(JsonNode) context = context_from ("{\"site\": \"S\", \"files\": [{}]}");
    g_autoptr(GBytes) bytes = sb_templates_render (templates, "list", context, &error);

    g_assert_null (bytes);
    g_assert_error (error, SB_TEMPLATES_ERROR, SB_TEMPLATES_ERROR_RENDER);
    assert_message (error, "row", 1, "no value for “name”");
    g_clear_error (&error);
  }

  /* unknown partial, and a template including itself */
  g_assert_false (sb_templates_add (templates, "bad", "x\n{{> missing}}", &error));
  g_assert_error (error, SB_TEMPLATES_ERROR, SB_TEMPLATES_ERROR_COMPILE);
  assert_message (error, "bad", 2, "there is no template “missing”");
  g_clear_error (&error);

  g_assert_false (sb_templates_add (templates, "self", "{{#x}}\n\n{{> self}}{{/x}}", &error));
  g_assert_error (error, SB_TEMPLATES_ERROR, SB_TEMPLATES_ERROR_COMPILE);
  assert_message (error, "self", 3, "would recurse forever (self → self)");
  g_clear_error (&error);
  g_assert_false (sb_templates_has (templates, "self"));

  g_assert_false (sb_templates_add (templates, "row", "again", &error));
  g_assert_error (error, SB_TEMPLATES_ERROR, SB_TEMPLATES_ERROR_COMPILE);
  assert_message (error, "row", 1, "already added");
  g_clear_error (&error);

  /* invalid template names, in add and in a tag */
  g_assert_false (sb_templates_add (templates, "has space", "x", &error));
  g_assert_error (error, SB_TEMPLATES_ERROR, SB_TEMPLATES_ERROR_COMPILE);
  g_clear_error (&error);
  g_assert_false (sb_templates_add (templates, "", "x", &error));
  g_assert_error (error, SB_TEMPLATES_ERROR, SB_TEMPLATES_ERROR_COMPILE);
  g_clear_error (&error);
  assert_compile_error ("{{> a/b}}", 1, "“a/b” is not a valid template name");
  assert_compile_error ("{{>}}", 1, "“” is not a valid template name");

  g_assert_finalize_object (g_steal_pointer (&templates));
}

static void
test_add_many (void)
{
  g_autoptr(SbTemplates) templates = sb_templates_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  const char *names[] = { "page", "body", "leaf" };
  const char *ok_sources[] = { "P({{> body}})", "B({{> leaf}}{{> leaf}})", "L" };
  const char *cycle_sources[] = { "P({{> body}})", "B(\n{{> leaf}})", "L({{> page}})" };
  const char *names2[] = { "x", "x" };
  const char *sources2[] = { "1", "2" };

  /* in a batch, order does not matter, but a cycle is refused whole */
  g_assert_false (sb_templates_add_many (templates, names, cycle_sources, 3, &error));
  g_assert_error (error, SB_TEMPLATES_ERROR, SB_TEMPLATES_ERROR_COMPILE);
  assert_message (error, "leaf", 1, "(page → body → leaf → page)");
  g_clear_error (&error);
  g_assert_false (sb_templates_has (templates, "page"));
  g_assert_false (sb_templates_has (templates, "leaf"));

  g_assert_false (sb_templates_add_many (templates, names2, sources2, 2, &error));
  g_assert_error (error, SB_TEMPLATES_ERROR, SB_TEMPLATES_ERROR_COMPILE);
  g_clear_error (&error);
  g_assert_false (sb_templates_has (templates, "x"));

  g_assert_true (sb_templates_add_many (templates, names, ok_sources, 3, &error));
  g_assert_no_error (error);
  out = render (templates, "page", "{}");
  g_assert_cmpstr (out, ==, "P(B(LL))");
}

static void
test_compile_errors (void)
{
  assert_compile_error ("<p>\n{{{raw}}}</p>", 2, "“{{{” would print without escaping");
  assert_compile_error ("\n\n{{&raw}}", 3, "“{{&” would print without escaping");
  assert_compile_error ("{{=<% %>=}}", 1, "changing the delimiters");
  assert_compile_error ("a\nb {{name\n\n", 2, "“{{” is never closed");
  assert_compile_error ("a\n{{}}", 2, "a tag has no key");
  assert_compile_error ("{{  }}", 1, "a tag has no key");
  assert_compile_error ("\n{{na me}}", 2, "“na me” is not a valid key");
  assert_compile_error ("{{a..b}}", 1, "“a..b” is not a valid key");
  assert_compile_error ("{{.a}}", 1, "“.a” is not a valid key");
  assert_compile_error ("{{a.}}", 1, "“a.” is not a valid key");
  assert_compile_error ("{{a<b}}", 1, "“a<b” is not a valid key");
  assert_compile_error ("{{#}}", 1, "a tag has no key");
  assert_compile_error ("{{v|raw}}", 1, "unknown filter “raw”");
  assert_compile_error ("\n{{v|}}", 2, "unknown filter “”");
  assert_compile_error ("{{v|url|url}}", 1, "unknown filter “url|url”");
  assert_compile_error ("{{|url}}", 1, "a tag has no key");
  assert_compile_error ("{{#a|url}}{{/a|url}}", 1, "“a|url” is not a valid key");
  assert_compile_error ("x\n{{/a}}", 2, "“{{/a}}” closes no section");
  assert_compile_error ("{{#a}}\n{{#b}}\n{{/a}}{{/b}}", 3,
                        "“{{/a}}” does not match “{{#b}}” from line 2");
  assert_compile_error ("{{^a}}\n{{/b}}", 2, "“{{/b}}” does not match “{{^a}}” from line 1");
  assert_compile_error ("a\n{{#list}}\n{{#inner}}{{/inner}}\n", 2, "“{{#list}}” is never closed");
  assert_compile_error ("{{#a}}{{/a}}\n{{^b}}", 2, "“{{^b}}” is never closed");
  assert_compile_error ("ok\nnot \xff utf-8", 2, "not valid UTF-8");
  assert_compile_error ("{{! never closed comment", 1, "“{{” is never closed");

  /* nesting is bounded */
  {
    g_autoptr(GString) deep = g_string_new (NULL);

    for (int i = 0; i < 65; i++)
      g_string_append (deep, "{{#a}}\n");
    assert_compile_error (deep->str, 65, "nested more than 64 deep");
  }
}

static void
test_not_found (void)
{
  g_autoptr(SbTemplates) templates = templates_with ("a", "x");
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = sb_templates_render (templates, "b", NULL, &error);

  g_assert_null (bytes);
  g_assert_error (error, SB_TEMPLATES_ERROR, SB_TEMPLATES_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "“b”"));
}

static void
test_resource (void)
{
  g_autoptr(SbTemplates) templates = sb_templates_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;

  g_assert_true (sb_templates_add_from_resource (templates, "/test/pages/", &error));
  g_assert_no_error (error);
  g_assert_true (sb_templates_has (templates, "page"));
  g_assert_true (sb_templates_has (templates, "header"));
  g_assert_true (sb_templates_has (templates, "file-row"));
  g_assert_false (sb_templates_has (templates, "style"));

  out = render (templates, "page",
                "{\"title\": \"Files & more\", \"user\": {\"name\": \"<ann>\"},"
                " \"files\": [{\"name\": \"a b.txt\"}, {\"name\": \"x/\\\"y\\\"\"}]}");
  g_assert_cmpstr (out, ==,
                   "\n<!DOCTYPE html>\n"
                   "<title>Files &amp; more</title>\n"
                   "\n<h1>&lt;ann&gt;</h1>\n\n"
                   "<ul>\n"
                   "\n<li><a href=\"/files/a%20b.txt\">a b.txt</a></li>\n"
                   "\n<li><a href=\"/files/x%2F%22y%22\">x/&quot;y&quot;</a></li>\n\n"
                   "</ul>\n");

  /* the same names again are refused, and nothing changes */
  g_assert_false (sb_templates_add_from_resource (templates, "/test/pages", &error));
  g_assert_error (error, SB_TEMPLATES_ERROR, SB_TEMPLATES_ERROR_COMPILE);
  g_clear_error (&error);

  g_assert_false (sb_templates_add_from_resource (templates, "/test/cycle", &error));
  g_assert_error (error, SB_TEMPLATES_ERROR, SB_TEMPLATES_ERROR_COMPILE);
  assert_message (error, "b", 3, "(a → b → a)");
  g_clear_error (&error);
  g_assert_false (sb_templates_has (templates, "a"));

  g_assert_false (sb_templates_add_from_resource (templates, "/test/nowhere", &error));
  g_assert_error (error, SB_TEMPLATES_ERROR, SB_TEMPLATES_ERROR_NOT_FOUND);
}

static void
test_render_limits (void)
{
  g_autoptr(SbTemplates) templates =
    templates_with ("t", "{{#a}}{{#a}}{{#a}}{{#a}}xxxxxxxx{{/a}}{{/a}}{{/a}}{{/a}}");
  g_autoptr(JsonNode) context = context_from ("{\"a\": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]}");
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;

  bytes = sb_templates_render (templates, "t", context, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (bytes), ==, 80000);
  g_clear_pointer (&bytes, g_bytes_unref);

  sb_templates_set_render_limits (templates, 1000, G_MAXUINT64);
  bytes = sb_templates_render (templates, "t", context, &error);
  g_assert_error (error, SB_TEMPLATES_ERROR, SB_TEMPLATES_ERROR_RENDER);
  g_assert_null (bytes);
  g_clear_error (&error);

  sb_templates_set_render_limits (templates, G_MAXSIZE, 500);
  bytes = sb_templates_render (templates, "t", context, &error);
  g_assert_error (error, SB_TEMPLATES_ERROR, SB_TEMPLATES_ERROR_RENDER);
  g_assert_null (bytes);
}

/* A file list page of 10,000 rows must render in milliseconds on the main
 * loop; this catches an accidental quadratic step, not a slow machine. */
static void
test_render_speed (void)
{
  g_autoptr(SbTemplates) templates = sb_templates_new ();
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gint64 start;

  g_assert_true (sb_templates_add (templates, "row",
                                   "<tr><td><a href=\"/files/{{name|url}}\">{{name}}</a></td>"
                                   "<td>{{size}}</td><td>{{description}}</td></tr>\n", &error));
  g_assert_true (sb_templates_add (templates, "page",
                                   "<table>{{#files}}{{> row}}{{/files}}</table>", &error));
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "files");
  json_builder_begin_array (builder);
  for (int i = 0; i < 10000; i++)
    {
      g_autofree char *name = g_strdup_printf ("report <%d> & notes.txt", i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, name);
      json_builder_set_member_name (builder, "size");
      json_builder_add_int_value (builder, i * 1024);
      json_builder_set_member_name (builder, "description");
      json_builder_add_string_value (builder, "Quarterly \"numbers\" – draft");
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  context = json_builder_get_root (builder);

  start = g_get_monotonic_time ();
  bytes = sb_templates_render (templates, "page", context, &error);
  g_assert_no_error (error);
  g_test_message ("10,000 rows, %" G_GSIZE_FORMAT " bytes in %.1f ms", g_bytes_get_size (bytes),
                  (g_get_monotonic_time () - start) / 1000.0);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/templates/text/verbatim", test_text_verbatim);
  g_test_add_func ("/templates/escape/text", test_escape_text);
  g_test_add_func ("/templates/escape/attributes", test_escape_attributes);
  g_test_add_func ("/templates/escape/invalid-utf8", test_escape_invalid_utf8);
  g_test_add_func ("/templates/filter/url", test_url_filter);
  g_test_add_func ("/templates/values/numbers-and-null", test_values_numbers_null);
  g_test_add_func ("/templates/values/not-printable", test_values_not_printable);
  g_test_add_func ("/templates/values/missing-key", test_missing_key);
  g_test_add_func ("/templates/values/dotted", test_dotted);
  g_test_add_func ("/templates/sections/arrays", test_sections_arrays);
  g_test_add_func ("/templates/sections/values", test_sections_values);
  g_test_add_func ("/templates/sections/context-stack", test_sections_context_stack);
  g_test_add_func ("/templates/comments-and-whitespace", test_comments_and_whitespace);
  g_test_add_func ("/templates/partials", test_partials);
  g_test_add_func ("/templates/add-many", test_add_many);
  g_test_add_func ("/templates/compile-errors", test_compile_errors);
  g_test_add_func ("/templates/not-found", test_not_found);
  g_test_add_func ("/templates/resource", test_resource);
  g_test_add_func ("/templates/render-limits", test_render_limits);
  g_test_add_func ("/templates/render-speed", test_render_speed);

  return g_test_run ();
}
