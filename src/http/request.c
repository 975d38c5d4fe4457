/* What handlers see of a request (method, path, parameters, headers,
 * cookies, body) and how they reply (status, body, headers, cookies, JSON
 * errors), plus the security headers every response gets.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http/internal.h"

/* Sent with every response. */
static const char *const SECURITY_HEADERS[][2] = {
    {"X-Content-Type-Options", "nosniff"},
    {"Referrer-Policy", "no-referrer"},
    {"X-Frame-Options", "DENY"},
};

/* Pages may load only our own scripts, styles and images (and data: images,
 * for inline charts); no plugins, no <base>, no framing. */
static const char CSP[] = "default-src 'self'; script-src 'self'; style-src 'self'; "
                          "img-src 'self' data:; object-src 'none'; base-uri 'none'; "
                          "frame-ancestors 'none'";

/* ---- The request ---- */

const char *http_method(const http_request *req) { return req->method; }

const char *http_path(const http_request *req) { return req->path; }

const char *http_param(const http_request *req, const char *name)
{
    size_t len = strlen(name);
    for (int i = 0; i < req->n_params; i++)
        if (req->params[i].name_len == len && memcmp(req->params[i].name, name, len) == 0)
            return req->params[i].value;
    return NULL;
}

const char *http_query(const http_request *req, const char *name)
{
    const char *v = MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
    /* MHD gives NULL for "?a" (a key without a value); the header promises "". */
    if (!v && MHD_lookup_connection_value_n(req->conn, MHD_GET_ARGUMENT_KIND, name, strlen(name),
                                            NULL, NULL) == MHD_YES)
        return "";
    return v;
}

const char *http_header(const http_request *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *http_cookie(const http_request *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, name);
}

const char *http_body(const http_request *req) { return req->body ? req->body : ""; }

size_t http_body_len(const http_request *req) { return req->body ? req->body_len : 0; }

const char *http_client_addr(const http_request *req) { return req->client; }

void http_set_user(http_request *req, const char *name)
{
    snprintf(req->user, sizeof req->user, "%s", name ? name : "");
}

const char *http_user(const http_request *req) { return req->user[0] ? req->user : NULL; }

void http_set_authenticated(http_request *req) { req->authenticated = true; }

/* ---- Validation of what goes into headers ---- */

bool request_is_token(const char *s)
{
    if (!s || !*s)
        return false;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  strchr("!#$%&'*+-.^_`|~", c) != NULL;
        if (!ok)
            return false;
    }
    return true;
}

/* No CR or LF (header injection) and no other control character. */
static bool is_header_value(const char *s)
{
    if (!s)
        return false;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            return false;
    }
    return true;
}

/* RFC 6265 cookie-octet: printable ASCII without space, ", comma, ; and \. */
static bool is_cookie_value(const char *s)
{
    if (!s)
        return false;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x21 || c > 0x7e || c == '"' || c == ',' || c == ';' || c == '\\')
            return false;
    }
    return true;
}

/* ---- The reply ---- */

/* Records the reply; takes `body` (from malloc), on failure too. */
static int set_reply(http_request *req, int status, const char *content_type, char *body,
                     size_t len)
{
    if (req->replied || status < 100 || status > 599 ||
        (content_type ? !is_header_value(content_type) : len > 0) || (!body && len > 0)) {
        free(body);
        return ILM_EINVAL;
    }
    /* No content type only for an empty reply (204): "" means none. */
    char *ct = strdup(content_type ? content_type : "");
    if (!ct) {
        free(body);
        return ILM_ENOMEM;
    }
    req->replied = true;
    req->status = status;
    req->content_type = ct;
    req->reply_body = body;
    req->reply_len = len;
    return 0;
}

int http_reply_take(http_request *req, int status, const char *content_type, char *body, size_t len)
{
    return set_reply(req, status, content_type, body, len);
}

int http_reply(http_request *req, int status, const char *content_type, const void *body,
               size_t len)
{
    if (req->replied || (!body && len > 0))
        return ILM_EINVAL;
    char *copy = NULL;
    if (len > 0) {
        copy = malloc(len);
        if (!copy)
            return ILM_ENOMEM;
        memcpy(copy, body, len);
    }
    return set_reply(req, status, content_type, copy, len);
}

int http_reply_json(http_request *req, int status, const char *json)
{
    if (!json)
        return ILM_EINVAL;
    return http_reply(req, status, "application/json", json, strlen(json));
}

int http_reply_error(http_request *req, int status, const char *code, const char *message,
                     const char *field)
{
    if (req->replied)
        return ILM_EINVAL;
    if (!code)
        code = http_status_code(status);
    if (!message)
        message = http_status_text(status);
    /* Measured first so that a message of any length fits. */
    size_t lc = http_json_escape(NULL, 0, code), lm = http_json_escape(NULL, 0, message);
    size_t lf = field ? http_json_escape(NULL, 0, field) : 0;
    size_t cap = lc + lm + lf + 64;
    char *doc = malloc(cap);
    if (!doc)
        return ILM_ENOMEM;
    size_t n = (size_t)snprintf(doc, cap, "{\"error\":{\"code\":");
    n += http_json_escape(doc + n, cap - n, code);
    n += (size_t)snprintf(doc + n, cap - n, ",\"message\":");
    n += http_json_escape(doc + n, cap - n, message);
    if (field) {
        n += (size_t)snprintf(doc + n, cap - n, ",\"field\":");
        n += http_json_escape(doc + n, cap - n, field);
    }
    n += (size_t)snprintf(doc + n, cap - n, "}}");
    return set_reply(req, status, "application/json", doc, n);
}

int http_require_content_type(http_request *req, const char *type)
{
    const char *ct = http_header(req, "Content-Type");
    if (ct) {
        ct += strspn(ct, " \t");
        size_t len = strcspn(ct, ";");
        while (len > 0 && (ct[len - 1] == ' ' || ct[len - 1] == '\t'))
            len--;
        if (len == strlen(type) && strncasecmp(ct, type, len) == 0)
            return 0;
    }
    char msg[160];
    snprintf(msg, sizeof msg, "expected Content-Type: %s", type);
    http_reply_error(req, 415, NULL, msg, NULL);
    return ILM_EINVAL;
}

/* Adds a header without checking it (the caller did). */
static int push_header(http_request *req, const char *name, const char *value)
{
    if (req->n_headers == HTTP_MAX_HEADERS)
        return ILM_ELIMIT;
    char *n = strdup(name), *v = strdup(value);
    if (!n || !v) {
        free(n);
        free(v);
        return ILM_ENOMEM;
    }
    req->headers[req->n_headers].name = n;
    req->headers[req->n_headers].value = v;
    req->n_headers++;
    return 0;
}

int http_add_header(http_request *req, const char *name, const char *value)
{
    if (!request_is_token(name) || !is_header_value(value))
        return ILM_EINVAL;
    return push_header(req, name, value);
}

int http_set_cookie(http_request *req, const char *name, const char *value, long max_age)
{
    if (!request_is_token(name) || !is_cookie_value(value))
        return ILM_EINVAL;
    size_t cap = strlen(name) + strlen(value) + 96;
    char *line = malloc(cap);
    if (!line)
        return ILM_ENOMEM;
    int n = snprintf(line, cap, "%s=%s; Path=/", name, value);
    if (max_age >= 0)
        n += snprintf(line + n, cap - (size_t)n, "; Max-Age=%ld", max_age);
    snprintf(line + n, cap - (size_t)n, "; HttpOnly; SameSite=Strict%s",
             req->srv->behind_tls ? "; Secure" : "");
    int rc = push_header(req, "Set-Cookie", line);
    free(line);
    return rc;
}

/* ---- Helpers ---- */

const char *http_status_code(int status)
{
    switch (status) {
    case 400: return "bad_request";
    case 401: return "unauthorized";
    case 403: return "forbidden";
    case 404: return "not_found";
    case 405: return "method_not_allowed";
    case 409: return "conflict";
    case 413: return "payload_too_large";
    case 414: return "uri_too_long";
    case 415: return "unsupported_media_type";
    case 422: return "unprocessable";
    case 431: return "headers_too_large";
    case 503: return "unavailable";
    default: return "internal";
    }
}

const char *http_status_text(int status)
{
    switch (status) {
    case 400: return "Bad request";
    case 401: return "Sign in first";
    case 403: return "Not allowed";
    case 404: return "Not found";
    case 405: return "Method not allowed";
    case 409: return "Conflict";
    case 413: return "Request body too large";
    case 414: return "Request target too long";
    case 415: return "Unsupported content type";
    case 422: return "Invalid data";
    case 431: return "Request headers too large";
    case 503: return "The server is shutting down";
    default: return "Internal error";
    }
}

/* Writes c at dst[*n] if there is room for it and the final NUL. */
static void put(char *dst, size_t cap, size_t *n, char c)
{
    if (*n + 1 < cap)
        dst[*n] = c;
    (*n)++;
}

static void put_str(char *dst, size_t cap, size_t *n, const char *s)
{
    for (; *s; s++)
        put(dst, cap, n, *s);
}

/* The length of the valid UTF-8 sequence at s, or 0 when it is not one
 * (overlong forms, surrogates and code points over U+10FFFF included). */
static size_t utf8_len(const unsigned char *s)
{
    unsigned char c = s[0];
    size_t len;
    unsigned char lo = 0x80, hi = 0xbf; /* the allowed range of the 2nd byte */
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        if (c == 0xe0)
            lo = 0xa0;
        else if (c == 0xed)
            hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        if (c == 0xf0)
            lo = 0x90;
        else if (c == 0xf4)
            hi = 0x8f;
    } else {
        return 0;
    }
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if (s[i] < 0x80 || s[i] > 0xbf)
            return 0;
    return len;
}

size_t http_json_escape(char *dst, size_t cap, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)s;
    size_t n = 0;
    put(dst, cap, &n, '"');
    while (*p) {
        unsigned char c = *p;
        if (c == '"' || c == '\\') {
            put(dst, cap, &n, '\\');
            put(dst, cap, &n, (char)c);
            p++;
        } else if (c < 0x20) {
            const char *esc = c == '\n' ? "\\n" : c == '\r' ? "\\r" : c == '\t' ? "\\t" : NULL;
            if (esc) {
                put_str(dst, cap, &n, esc);
            } else {
                put_str(dst, cap, &n, "\\u00");
                put(dst, cap, &n, hex[c >> 4]);
                put(dst, cap, &n, hex[c & 15]);
            }
            p++;
        } else if (c < 0x80) {
            put(dst, cap, &n, (char)c);
            p++;
        } else {
            size_t len = utf8_len(p);
            if (len == 0) {
                put_str(dst, cap, &n, "\\ufffd");
                p++;
            } else {
                for (size_t i = 0; i < len; i++)
                    put(dst, cap, &n, (char)p[i]);
                p += len;
            }
        }
    }
    put(dst, cap, &n, '"');
    if (cap > 0)
        dst[n < cap ? n : cap - 1] = '\0';
    return n;
}

/* ---- Internal ---- */

void http_set_data(http_request *req, void *data, void (*data_free)(void *))
{
    if (req->data_free)
        req->data_free(req->data);
    req->data = data;
    req->data_free = data_free;
}

void *http_data(const http_request *req) { return req->data; }

void request_free(http_request *req)
{
    if (!req)
        return;
    if (req->data_free)
        req->data_free(req->data);
    free(req->method);
    free(req->path);
    free(req->segments);
    free(req->body);
    free(req->content_type);
    free(req->reply_body);
    for (int i = 0; i < req->n_headers; i++) {
        free(req->headers[i].name);
        free(req->headers[i].value);
    }
    free(req);
}

static bool has_header(const http_request *req, const char *name)
{
    for (int i = 0; i < req->n_headers; i++)
        if (strcasecmp(req->headers[i].name, name) == 0)
            return true;
    return false;
}

/* text/html, with or without parameters such as charset. */
static bool is_html(const char *content_type)
{
    return strncasecmp(content_type, "text/html", 9) == 0 &&
           (content_type[9] == '\0' || content_type[9] == ';' || content_type[9] == ' ');
}

enum MHD_Result request_queue_reply(http_request *req, bool close)
{
    if (!req->replied && http_reply_error(req, 500, NULL, NULL, NULL) != 0)
        return MHD_NO;
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(req->reply_len, req->reply_body, MHD_RESPMEM_MUST_FREE);
    if (!resp)
        return MHD_NO;
    req->reply_body = NULL; /* MHD frees it with the response */

    bool ok = !req->content_type[0] ||
              MHD_add_response_header(resp, "Content-Type", req->content_type) == MHD_YES;
    for (size_t i = 0; i < sizeof SECURITY_HEADERS / sizeof SECURITY_HEADERS[0]; i++)
        ok = ok && MHD_add_response_header(resp, SECURITY_HEADERS[i][0], SECURITY_HEADERS[i][1]) ==
                       MHD_YES;
    if (is_html(req->content_type))
        ok = ok && MHD_add_response_header(resp, "Content-Security-Policy", CSP) == MHD_YES;
    /* A signed-in user's data must not stay in a shared or browser cache. */
    if (req->authenticated && !has_header(req, "Cache-Control"))
        ok = ok && MHD_add_response_header(resp, "Cache-Control", "no-store") == MHD_YES;
    if (close)
        ok = ok && MHD_add_response_header(resp, "Connection", "close") == MHD_YES;
    for (int i = 0; i < req->n_headers; i++)
        ok = ok &&
             MHD_add_response_header(resp, req->headers[i].name, req->headers[i].value) == MHD_YES;
    enum MHD_Result rc = MHD_NO;
    if (ok)
        rc = MHD_queue_response(req->conn, (unsigned)req->status, resp);
    MHD_destroy_response(resp);
    if (rc == MHD_YES)
        req->sent_status = req->status;
    req->queued = true; /* queued or failed: either way, never a second try */
    return rc;
}
