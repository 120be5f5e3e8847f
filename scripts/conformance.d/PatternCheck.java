// PatternCheck: parameter patterns as CloudFormation's AllowedPattern reads them, with the
// real java.util.regex (CloudFormation's regexes "conform to the Java regex syntax", and "the
// pattern must match the entire parameter value provided": Matcher.matches()).
//
// Run as a single-file source program (Java 11+):  java PatternCheck.java < cases.jsonl
// Input, one JSON object a line:
//   {"pattern": "P", "values": [{"value": "v", "expect": true|false|null}, ...]}
// Output, one JSON object a line, in input order:
//   {"compiles": true, "error": null, "results": [{"matches": b, "agrees": b|null}, ...]}
//   {"compiles": false, "error": "<PatternSyntaxException description>", "results": []}
// "agrees" is whether matches() equals "expect" (null when no expectation was given).
// Exit status: 0 every expectation held, 1 some did not (or a pattern with expectations did
// not compile), 2 malformed input. Used by tests/regex_java.rs (RG012 against Java).

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

public class PatternCheck {
    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        int lineNo = 0;
        int patterns = 0;
        int values = 0;
        int failed = 0;
        String line;
        while ((line = in.readLine()) != null) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            Map<String, Object> obj;
            List<Object> vals;
            String pattern;
            try {
                Object parsed = new Json(line).document();
                if (!(parsed instanceof Map)) {
                    throw new IllegalArgumentException("not a JSON object");
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> m = (Map<String, Object>) parsed;
                obj = m;
                if (!(obj.get("pattern") instanceof String)) {
                    throw new IllegalArgumentException("\"pattern\" must be a string");
                }
                pattern = (String) obj.get("pattern");
                Object v = obj.getOrDefault("values", new ArrayList<>());
                if (!(v instanceof List)) {
                    throw new IllegalArgumentException("\"values\" must be an array");
                }
                @SuppressWarnings("unchecked")
                List<Object> l = (List<Object>) v;
                vals = l;
            } catch (IllegalArgumentException e) {
                System.err.println("PatternCheck: stdin line " + lineNo + ": " + e.getMessage());
                System.exit(2);
                return;
            }
            patterns++;
            Pattern p;
            try {
                p = Pattern.compile(pattern);
            } catch (PatternSyntaxException e) {
                out.println("{\"compiles\": false, \"error\": " + quote(e.getDescription())
                        + ", \"results\": []}");
                if (!vals.isEmpty()) {
                    failed++;
                }
                continue;
            }
            StringBuilder results = new StringBuilder();
            for (Object item : vals) {
                if (!(item instanceof Map) || !(((Map<?, ?>) item).get("value") instanceof String)) {
                    System.err.println("PatternCheck: stdin line " + lineNo + ": each of \"values\" must be {\"value\": string, \"expect\": bool}");
                    System.exit(2);
                    return;
                }
                Map<?, ?> it = (Map<?, ?>) item;
                String value = (String) it.get("value");
                Object expect = it.get("expect");
                boolean matches = p.matcher(value).matches();
                values++;
                String agrees = "null";
                if (expect instanceof Boolean) {
                    boolean ok = matches == (Boolean) expect;
                    agrees = Boolean.toString(ok);
                    if (!ok) {
                        failed++;
                    }
                }
                if (results.length() > 0) {
                    results.append(", ");
                }
                results.append("{\"matches\": ").append(matches).append(", \"agrees\": ").append(agrees).append('}');
            }
            out.println("{\"compiles\": true, \"error\": null, \"results\": [" + results + "]}");
        }
        out.flush();
        System.err.println("PatternCheck: " + patterns + " patterns, " + values + " values, "
                + failed + " expectations failed (Java " + System.getProperty("java.version") + ")");
        System.exit(failed == 0 ? 0 : 1);
    }

    /** A JSON string literal, ASCII only (everything else as \\uXXXX). */
    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7e) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    /** Just enough of JSON (RFC 8259) for the input above: objects, arrays, strings, literals, numbers. */
    static final class Json {
        private final String s;
        private int i;

        Json(String s) {
            this.s = s;
        }

        Object document() {
            Object v = value();
            ws();
            if (i != s.length()) {
                throw error("trailing characters");
            }
            return v;
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException("bad JSON at column " + (i + 1) + ": " + what);
        }

        private void ws() {
            while (i < s.length() && " \t\r\n".indexOf(s.charAt(i)) >= 0) {
                i++;
            }
        }

        private void expect(char c) {
            ws();
            if (i >= s.length() || s.charAt(i) != c) {
                throw error("expected '" + c + "'");
            }
            i++;
        }

        private Object value() {
            ws();
            if (i >= s.length()) {
                throw error("unexpected end");
            }
            char c = s.charAt(i);
            switch (c) {
                case '{': {
                    i++;
                    Map<String, Object> m = new LinkedHashMap<>();
                    ws();
                    if (i < s.length() && s.charAt(i) == '}') {
                        i++;
                        return m;
                    }
                    while (true) {
                        ws();
                        String k = string();
                        expect(':');
                        m.put(k, value());
                        ws();
                        if (i < s.length() && s.charAt(i) == ',') {
                            i++;
                            continue;
                        }
                        expect('}');
                        return m;
                    }
                }
                case '[': {
                    i++;
                    List<Object> l = new ArrayList<>();
                    ws();
                    if (i < s.length() && s.charAt(i) == ']') {
                        i++;
                        return l;
                    }
                    while (true) {
                        l.add(value());
                        ws();
                        if (i < s.length() && s.charAt(i) == ',') {
                            i++;
                            continue;
                        }
                        expect(']');
                        return l;
                    }
                }
                case '"':
                    return string();
                default:
                    for (String lit : new String[] {"true", "false", "null"}) {
                        if (s.startsWith(lit, i)) {
                            i += lit.length();
                            return lit.equals("null") ? null : Boolean.valueOf(lit);
                        }
                    }
                    int start = i;
                    while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
                        i++;
                    }
                    if (start == i) {
                        throw error("unexpected '" + c + "'");
                    }
                    return Double.valueOf(s.substring(start, i));
            }
        }

        private String string() {
            if (i >= s.length() || s.charAt(i) != '"') {
                throw error("expected a string");
            }
            i++;
            StringBuilder b = new StringBuilder();
            while (true) {
                if (i >= s.length()) {
                    throw error("unterminated string");
                }
                char c = s.charAt(i++);
                if (c == '"') {
                    return b.toString();
                }
                if (c != '\\') {
                    b.append(c);
                    continue;
                }
                if (i >= s.length()) {
                    throw error("unterminated escape");
                }
                char e = s.charAt(i++);
                switch (e) {
                    case '"': b.append('"'); break;
                    case '\\': b.append('\\'); break;
                    case '/': b.append('/'); break;
                    case 'b': b.append('\b'); break;
                    case 'f': b.append('\f'); break;
                    case 'n': b.append('\n'); break;
                    case 'r': b.append('\r'); break;
                    case 't': b.append('\t'); break;
                    case 'u':
                        if (i + 4 > s.length()) {
                            throw error("short \\u escape");
                        }
                        try {
                            b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        } catch (NumberFormatException x) {
                            throw error("bad \\u escape");
                        }
                        i += 4;
                        break;
                    default:
                        throw error("bad escape '\\" + e + "'");
                }
            }
        }
    }
}
