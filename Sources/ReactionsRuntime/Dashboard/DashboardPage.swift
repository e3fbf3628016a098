/// The dashboard's one page (`/ui/`): navigation and the token form; `DashboardScript` fills it.
enum DashboardPage {
    static let text = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>reactions</title>
<link rel="stylesheet" href="/ui/app.css">
<link rel="icon" href="/ui/favicon.svg" type="image/svg+xml">
<script src="/ui/app.js" defer></script>
</head>
<body>
<header>
  <h1>reactions</h1>
  <nav>
    <a href="#deploys" id="nav-deploys">Deploys</a>
    <a href="#deliveries" id="nav-deliveries">Deliveries</a>
    <a href="#stats" id="nav-stats">DORA</a>
    <a href="#suggestions" id="nav-suggestions">Suggestions</a>
    <a href="#revisions" id="nav-revisions">Revisions</a>
    <a href="#health" id="nav-health">Health</a>
  </nav>
  <form id="token-form" autocomplete="off">
    <input id="token" type="password" placeholder="API token (kept in this tab only)" aria-label="API token">
    <button type="submit">Use token</button>
  </form>
</header>
<main id="view" aria-live="polite"></main>
<p id="message" role="status"></p>
</body>
</html>
"""#
}
