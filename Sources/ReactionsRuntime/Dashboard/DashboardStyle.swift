/// The dashboard's stylesheet (`/ui/app.css`): classes only, since the Content-Security-Policy forbids inline styles.
enum DashboardStyle {
    static let text = #"""
:root { --fg: #1d232b; --muted: #5d6875; --line: #dde2e8; --bg: #ffffff; --ok: #18794e; --bad: #c62828; --warn: #b26a00; --accent: #2f5bd3; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
header { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; align-items: center; padding: .75rem 1rem; border-bottom: 1px solid var(--line); }
h1 { font-size: 1.1rem; margin: 0; }
h2 { font-size: 1.05rem; margin: 1.25rem 0 .5rem; }
nav { display: flex; flex-wrap: wrap; gap: .25rem .9rem; }
nav a { color: var(--accent); text-decoration: none; }
nav a.current { font-weight: 600; text-decoration: underline; }
#token-form { margin-left: auto; display: flex; gap: .4rem; }
main { padding: 0 1rem 2rem; overflow-x: auto; }
form.filters { display: flex; flex-wrap: wrap; gap: .5rem; margin: 1rem 0; }
input, select, button { font: inherit; padding: .3rem .5rem; border: 1px solid var(--line); border-radius: 4px; background: #fff; }
button { cursor: pointer; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { color: var(--muted); font-weight: 600; font-size: .85rem; }
.succeeded, .delivered, .ready { color: var(--ok); }
.failed, .not_ready { color: var(--bad); font-weight: 600; }
.started, .retrying, .pending { color: var(--warn); }
.muted { color: var(--muted); }
.board { display: grid; grid-template-columns: repeat(auto-fill, minmax(14rem, 1fr)); gap: .6rem; margin: .5rem 0 1rem; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: .5rem .7rem; }
pre { background: #f5f7f9; padding: .6rem; overflow-x: auto; }
svg.chart { width: 100%; max-width: 48rem; height: auto; }
svg.chart rect { fill: var(--accent); }
svg.chart rect.failed { fill: var(--bad); }
svg.chart line.axis { stroke: var(--line); stroke-width: .5; }
svg.chart line.grid { stroke: var(--line); stroke-width: .3; stroke-dasharray: 2 2; }
svg.chart text.label { font-size: 7px; fill: var(--muted); }
svg.chart text.count { text-anchor: end; dominant-baseline: middle; }
svg.chart text.day { text-anchor: middle; dominant-baseline: text-before-edge; }
#message { padding: 0 1rem; color: var(--bad); }
@media (max-width: 40rem) { #token-form { margin-left: 0; width: 100%; } th:nth-child(n+5), td:nth-child(n+5) { display: none; } }
"""#
}
