/// The dashboard's Mustache templates, as string constants: nothing to find on disk, so the
/// built binary and the tests render the same pages. Values are HTML-escaped (`{{x}}`); only
/// the layout's `{{{body}}}`, which holds a page already rendered from these templates, is not.
/// Charts are inline SVG whose geometry the views compute in whole pixels.
enum DashboardTemplates {
    static let all: [String: String] = [
        "layout": layout, "login": login, "home": home, "error": error, "targets": targets, "payouts": payouts,
        "findings": findings, "funds": funds, "person": person, "entitlement": entitlement,
    ]

    static let layout = """
        <!DOCTYPE html>
        <html lang="zh-CN">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · GrantLedger</title>
        <style>
        body { font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", system-ui, sans-serif; margin: 0; color: #1d2530; background: #f6f7f9; }
        header { display: flex; flex-wrap: wrap; align-items: center; gap: 1em; padding: .6em 1.2em; background: #1f3a5f; color: #fff; }
        header a { color: #fff; text-decoration: none; padding: .2em .5em; border-radius: 4px; }
        header a[aria-current] { background: #3d6aa3; }
        header .brand { font-weight: bold; margin-right: 1em; }
        header form { margin-left: auto; }
        header button { background: none; border: 1px solid #fff; color: #fff; border-radius: 4px; cursor: pointer; }
        main { padding: 1em 1.6em 3em; max-width: 1240px; }
        .units { display: flex; flex-wrap: wrap; gap: 0 1.6em; }
        .unit h2 { font-size: 1.1em; margin: .6em 0 0; }
        .moment { color: #4a5565; }
        table { border-collapse: collapse; margin: .6em 0 1.4em; background: #fff; }
        th, td { border: 1px solid #d5dae1; padding: .3em .6em; text-align: left; vertical-align: top; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
        svg { background: #fff; border: 1px solid #d5dae1; margin: .4em 0 1.2em; }
        svg text { font-size: 13px; fill: #1d2530; }
        .legend span { display: inline-block; margin-right: 1.2em; }
        .swatch { display: inline-block; width: .9em; height: .9em; vertical-align: -.1em; margin-right: .3em; }
        .error { background: #fff3f3; border: 1px solid #e3a0a0; padding: .8em 1em; }
        code { font-size: 12px; word-break: break-all; }
        </style>
        </head>
        <body>
        <header>
        <span class="brand">GrantLedger 补贴台账</span>
        {{#signedIn}}
        <nav>{{#nav}}<a href="{{path}}"{{#current}} aria-current="page"{{/current}}>{{label}}</a> {{/nav}}</nav>
        <form method="post" action="/logout"><span>{{role}}{{#scope}} · {{name}}{{/scope}}</span> <button type="submit" id="logout">退出 Log out</button></form>
        {{/signedIn}}
        </header>
        <main>
        <h1>{{title}}</h1>
        {{#moment}}<p class="moment" id="moment" data-as-of="{{asOf}}" data-position="{{position}}">截至 As of <b>{{asOf}}</b> · 日志位置 Log position <b>{{position}}</b></p>{{/moment}}
        {{{body}}}
        </main>
        </body>
        </html>
        """

    static let login = """
        {{#message}}<p class="error" role="alert">{{text}}</p>{{/message}}
        <form method="post" action="/login">
        <p><label for="token">令牌 API token</label><br>
        <input type="password" id="token" name="token" size="90" autocomplete="off" placeholder="glt_<id>_<secret>" required></p>
        <p><button type="submit" id="login">登录 Log in</button></p>
        </form>
        <p>令牌由管理员签发（grants tokens create）。A token is issued by an administrator (grants tokens create); the dashboard keeps only a session, never the token.</p>
        """

    static let home = """
        <p>欢迎 Welcome: {{role}}{{#scope}} · {{name}}{{/scope}}.</p>
        <ul>{{#pages}}<li><a href="{{path}}">{{label}}</a></li>{{/pages}}</ul>
        """

    static let error = """
        <p class="error" role="alert">{{message}}</p>
        <p><a href="/">返回首页 Back to the start page</a></p>
        """

    static let targets = """
        <p class="legend"><span><i class="swatch" style="background:#c9d3e0"></i>目标 Target</span><span><i class="swatch" style="background:#2e7d4f"></i>已完成 Achieved</span></p>
        {{^units}}<p>没有目标。No targets.</p>{{/units}}
        <div class="units">
        {{#units}}
        <section class="unit" data-unit="{{unit}}">
        <h2>{{name}}</h2>
        <svg xmlns="http://www.w3.org/2000/svg" width="590" height="{{height}}" role="img" aria-label="{{name}}">
        {{#bars}}
        <text x="8" y="{{labelY}}">{{metric}} · {{period}} <tspan style="fill:#4a5565;font-size:11px">{{clause}}</tspan></text>
        <rect class="target" x="8" y="{{y}}" width="{{fullWidth}}" height="16" fill="#c9d3e0"><title>目标 Target {{valueText}}</title></rect>
        <rect class="achieved" data-target-id="{{targetID}}" data-achieved="{{achievedAttr}}" data-value="{{value}}" x="8" y="{{y}}" width="{{achievedWidth}}" height="16" fill="#2e7d4f"><title>已完成 Achieved {{achievedText}}</title></rect>
        <text x="{{textX}}" y="{{textY}}">{{achievedText}} / {{valueText}} · {{ratioText}}</text>
        {{/bars}}
        </svg>
        </section>
        {{/units}}
        </div>
        {{#hasService131}}
        <h2>"131" 服务完成度 "131" service completeness</h2>
        <table><tr><th>单位 Unit</th><th>期间 Period</th><th class="num">适用 Applicable</th><th class="num">完成 Completed</th><th class="num">比例 Ratio</th></tr>
        {{#service131}}<tr><td>{{unit}}</td><td>{{period}}</td><td class="num">{{applicable}}</td><td class="num">{{completed}}</td><td class="num">{{ratio}}</td></tr>{{/service131}}
        </table>
        {{/hasService131}}
        """

    static let payouts = """
        <p>本月 This month: {{month}} · 逾期 Overdue: due before {{asOf}} and unpaid · 本月到期 Due this month: due {{asOf}} to {{monthEnd}}.</p>
        <p>逾期合计 Overdue total: <b>¥{{overdueTotal}}</b> · 本月到期合计 Due this month total: <b>¥{{dueTotal}}</b> (元 yuan)</p>
        <h2>按条款 By clause</h2>
        <p class="legend"><span><i class="swatch" style="background:#b3261e"></i>逾期 Overdue</span><span><i class="swatch" style="background:#3d6aa3"></i>本月到期 Due this month</span></p>
        {{^clauses}}<p>没有到期的补贴。Nothing is due.</p>{{/clauses}}
        {{#hasClauses}}
        <svg xmlns="http://www.w3.org/2000/svg" width="960" height="{{chartHeight}}" role="img" aria-label="by clause">
        {{#clauses}}
        <text x="8" y="{{labelY}}">{{clause}}</text>
        <rect class="overdue" data-clause="{{clause}}" data-fen="{{overdueFen}}" x="200" y="{{y}}" width="{{overdueWidth}}" height="20" fill="#b3261e"></rect>
        <rect class="due" data-clause="{{clause}}" data-fen="{{dueFen}}" x="{{dueX}}" y="{{y}}" width="{{dueWidth}}" height="20" fill="#3d6aa3"></rect>
        <text x="{{textX}}" y="{{labelY}}">¥{{overdue}} + ¥{{due}}</text>
        {{/clauses}}
        </svg>
        <table><tr><th>条款 Clause</th><th class="num">笔数 Tranches</th><th class="num">逾期 Overdue (元)</th><th class="num">本月到期 This month (元)</th></tr>
        {{#clauses}}<tr><td>{{clause}}</td><td class="num">{{count}}</td><td class="num">{{overdue}}</td><td class="num">{{due}}</td></tr>{{/clauses}}
        </table>
        {{/hasClauses}}
        <h2>按收款人 By payee</h2>
        {{#truncated}}<p>显示前 {{shown}} 笔，共 {{total}} 笔。The first {{shown}} of {{total}} tranches, most overdue first.</p>{{/truncated}}
        <table><tr><th>收款人 Payee</th><th>条款 Clause</th><th>批次 Tranche</th><th>到期 Due</th><th>状态 State</th><th class="num">未付 Unpaid (元)</th><th>补贴 Entitlement</th></tr>
        {{#lines}}<tr><td>{{payee}}</td><td>{{clause}}</td><td>{{label}}</td><td>{{dueDate}}</td><td>{{when}}</td><td class="num">{{unpaid}}</td><td>{{#link}}<a href="{{href}}">说明 explain</a>{{/link}}</td></tr>{{/lines}}
        </table>
        """

    static let findings = """
        <p>发现合计 Findings total: <b>¥{{total}}</b> · 待追回 Still to recover: <b>¥{{outstanding}}</b> (元 yuan)</p>
        <h2>追回进度 Recovery</h2>
        {{^clawbacks}}<p>没有追回令。No clawbacks ordered.</p>{{/clawbacks}}
        {{#hasClawbacks}}
        <svg xmlns="http://www.w3.org/2000/svg" width="960" height="{{chartHeight}}" role="img" aria-label="recovery">
        {{#clawbacks}}
        <text x="8" y="{{labelY}}">{{payee}} · {{clause}}</text>
        <rect x="330" y="{{y}}" width="400" height="20" fill="#e8d6c9"></rect>
        <rect class="recovered" data-clawback-id="{{clawbackID}}" data-recovered="{{recoveredFen}}" data-amount="{{amountFen}}" x="330" y="{{y}}" width="{{recoveredWidth}}" height="20" fill="#a0522d"></rect>
        <text x="740" y="{{labelY}}">¥{{recovered}} / ¥{{amount}}</text>
        {{/clawbacks}}
        </svg>
        <table><tr><th>日期 Date</th><th>收款人 Payee</th><th>条款 Clause</th><th class="num">应追回 Amount (元)</th><th class="num">已追回 Recovered (元)</th><th class="num">未追回 Outstanding (元)</th><th>原因 Reason</th></tr>
        {{#clawbacks}}<tr><td>{{date}}</td><td>{{payee}}</td><td>{{clause}}</td><td class="num">{{amount}}</td><td class="num">{{recovered}}</td><td class="num">{{outstandingText}}</td><td>{{reason}}</td></tr>{{/clawbacks}}
        </table>
        {{/hasClawbacks}}
        <h2>发现 Findings</h2>
        {{^findings}}<p>没有发现。No findings.</p>{{/findings}}
        {{#hasFindings}}
        <table><tr><th>类型 Kind</th><th>条款 Clause</th><th>收款人 Payee</th><th class="num">金额 Amount (元)</th><th>说明 Detail</th><th>补贴 Entitlement</th></tr>
        {{#findings}}<tr><td>{{kind}}</td><td>{{clause}}</td><td>{{payee}}</td><td class="num">{{amount}}</td><td>{{detail}}</td><td>{{#link}}<a href="{{href}}">说明 explain</a>{{/link}}</td></tr>{{/findings}}
        </table>
        {{/hasFindings}}
        """

    static let funds = """
        <p class="legend"><span><i class="swatch" style="background:#3d6aa3"></i>预拨 Up front</span><span><i class="swatch" style="background:#2e7d4f"></i>已挣得 Earned</span><span><i class="swatch" style="background:#b3261e"></i>已扣减 Forfeited</span><span><i class="swatch" style="background:#c9d3e0"></i>待定 Undecided</span></p>
        {{^recipients}}<p>没有资金。No funds.</p>{{/recipients}}
        {{#recipients}}
        <section class="recipient">
        <h2>{{name}}</h2>
        <svg xmlns="http://www.w3.org/2000/svg" width="960" height="{{height}}" role="img" aria-label="{{name}}">
        {{#tranches}}
        <text x="8" y="{{labelY}}">{{tranche}} · {{clause}}</text>
        <rect x="330" y="{{y}}" width="400" height="20" fill="#c9d3e0"></rect>
        <rect class="upfront" data-fund-id="{{fundID}}" data-fen="{{upFrontFen}}" x="330" y="{{y}}" width="{{upFrontWidth}}" height="20" fill="#3d6aa3"></rect>
        <rect class="earned" data-fund-id="{{fundID}}" data-fen="{{earnedFen}}" x="{{earnedX}}" y="{{y}}" width="{{earnedWidth}}" height="20" fill="#2e7d4f"></rect>
        <rect class="forfeited" data-fund-id="{{fundID}}" data-fen="{{forfeitedFen}}" x="{{forfeitedX}}" y="{{y}}" width="{{forfeitedWidth}}" height="20" fill="#b3261e"></rect>
        <text x="740" y="{{labelY}}">¥{{allocated}}</text>
        {{/tranches}}
        </svg>
        <table><tr><th>批次 Tranche</th><th>条款 Clause</th><th class="num">拨付 Allocated</th><th class="num">预拨 Up front</th><th class="num">已挣得 Earned</th><th class="num">已扣减 Forfeited</th><th class="num">可用 Available</th><th class="num">已支出 Disbursed</th><th class="num">余额 Remaining</th></tr>
        {{#tranches}}<tr><td>{{tranche}}</td><td>{{clause}}</td><td class="num">{{allocated}}</td><td class="num">{{upFront}}</td><td class="num">{{earned}}</td><td class="num">{{forfeited}}</td><td class="num">{{available}}</td><td class="num">{{disbursed}}</td><td class="num">{{remaining}}</td></tr>{{/tranches}}
        </table>
        <p>金额单位：元。Amounts in yuan.</p>
        </section>
        {{/recipients}}
        """

    static let person = """
        <form method="post" action="/person">
        <p><label for="person-id">身份证号或化名 Resident ID or pseudonym</label>
        <input type="text" id="person-id" name="id" size="30" autocomplete="off" required>
        <button type="submit" id="lookup">查询 Look up</button></p>
        </form>
        {{#found}}
        <h2>{{masked}} <small>({{pseudonym}})</small></h2>
        <h3>补贴 Entitlements</h3>
        {{^entitlements}}<p>没有补贴。No entitlements.</p>{{/entitlements}}
        {{#hasEntitlements}}
        <table><tr><th>条款 Clause</th><th>名称 Title</th><th>日期 Date</th><th>状态 Status</th><th class="num">金额 Amount (元)</th><th class="num">已付 Paid (元)</th><th class="num">未付 Outstanding (元)</th><th></th></tr>
        {{#entitlements}}<tr><td>{{clause}}</td><td>{{title}}</td><td>{{date}}</td><td>{{status}}</td><td class="num">{{amount}}</td><td class="num">{{paid}}</td><td class="num">{{outstanding}}</td><td><a href="{{href}}">说明 explain</a></td></tr>{{/entitlements}}
        </table>
        {{/hasEntitlements}}
        <h3>为何没有 Why not</h3>
        {{^rules}}<p>没有规则适用于此人的事实。No rule's trigger finds a fact about this person.</p>{{/rules}}
        {{#rules}}
        <h4>{{clause}} {{title}}</h4>
        <ul>{{#findings}}<li><b>{{stage}}</b>: {{reason}}{{#refusedBy}} ({{.}}){{/refusedBy}}</li>{{/findings}}</ul>
        {{/rules}}
        <h3>时间线 Timeline</h3>
        <table><tr><th>发生 Occurred</th><th>事件 Event</th><th class="num">位置 Position</th><th>内容 Data</th></tr>
        {{#events}}<tr><td>{{occurredAt}}</td><td>{{type}}</td><td class="num">{{position}}</td><td><code>{{data}}</code></td></tr>{{/events}}
        </table>
        {{/found}}
        """

    static let entitlement = """
        {{#view}}
        <h2>{{clause}} {{title}}</h2>
        <table>
        <tr><th>编号 Id</th><td><code>{{id}}</code></td></tr>
        <tr><th>收款人 Payee</th><td>{{payee}}</td></tr>
        <tr><th>对象 Subject</th><td>{{subject}}</td></tr>
        <tr><th>日期 Date</th><td>{{date}}</td></tr>
        <tr><th>状态 Status</th><td>{{status}}</td></tr>
        <tr><th>金额 Amount (元)</th><td class="num">{{amount}}</td></tr>
        <tr><th>已付 Paid (元)</th><td class="num">{{paid}}</td></tr>
        <tr><th>未付 Outstanding (元)</th><td class="num">{{outstanding}}</td></tr>
        </table>
        <h3>依据 Facts</h3>
        <ul>{{#facts}}<li>{{date}} {{type}} ({{role}}) <code>{{eventID}}</code></li>{{/facts}}</ul>
        <h3>参数 Parameters</h3>
        <ul>{{#parameters}}<li>{{.}}</li>{{/parameters}}</ul>
        <h3>计算 Arithmetic</h3>
        <ul>{{#arithmetic}}<li>{{.}}</li>{{/arithmetic}}</ul>
        {{#hasReadings}}<h3>解读 Readings</h3><ul>{{#readings}}<li>{{.}}</li>{{/readings}}</ul>{{/hasReadings}}
        {{#refusal}}<h3>拒绝 Refusal</h3><p>{{clause}}: {{reason}}</p>{{/refusal}}
        <h3>发放计划 Payout schedule</h3>
        <table><tr><th>批次 Tranche</th><th>条件 Released by</th><th>到期 Due</th><th>状态 State</th><th class="num">金额 Amount (元)</th><th class="num">已付 Paid (元)</th></tr>
        {{#schedule}}<tr><td>{{label}}</td><td>{{releasedBy}}</td><td>{{dueDate}}</td><td>{{state}}</td><td class="num">{{amount}}</td><td class="num">{{paid}}</td></tr>{{/schedule}}
        </table>
        {{/view}}
        """
}
