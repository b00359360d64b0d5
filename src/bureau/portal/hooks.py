from bureau.accounts.roles import AUDITOR, CLERK, INSPECTOR, LEADER, LICENSING_OFFICER, SECADMIN, SECTION_HEAD, SYSADMIN
from bureau.kernel.registry import (
    MenuEntry,
    SharedSource,
    register_law_resolver,
    register_menu,
    register_portal_link,
    register_shared_source,
)
from bureau.penalties.queries import shared_decisions
from bureau.portal import (
    demo,  # noqa: F401  (registers the demo loader)
    licences,
)
from bureau.portal.queries import law_url
from bureau.portal.sharing import register_shared_dataset

STAFF = frozenset({CLERK, INSPECTOR, LEADER, LICENSING_OFFICER, SECTION_HEAD, SYSADMIN})
register_menu(
    MenuEntry("政务服务", "窗口咨询", "portal:consultations", frozenset({CLERK, SECTION_HEAD, LEADER, SYSADMIN}),
              order=62, icon="☎"),
    MenuEntry("政务服务", "政策法规", "portal:laws", STAFF, order=64, icon="§"),
    MenuEntry("系统管理", "数据共享令牌", "portal:tokens", frozenset({SYSADMIN, SECADMIN}), order=920, icon="⚿"),
    MenuEntry("系统管理", "接口调用日志", "portal:calls", frozenset({SYSADMIN, SECADMIN, AUDITOR}), order=921, icon="≡"),
    MenuEntry("系统管理", "营业执照信息核验", "portal:licence", STAFF, order=922, icon="⎙"),
)
register_portal_link(
    MenuEntry("门户", "政策法规", "portal:laws", order=10),
    MenuEntry("公开", "行政执法公示", "portal:decisions", order=45),
    MenuEntry("门户", "局长信箱", "petitions:mailbox", order=60),
    MenuEntry("门户", "诉求查询", "petitions:lookup", order=61),
    MenuEntry("门户", "常见问题", "portal:faq", order=70),
)
register_shared_source(SharedSource("business_licence", "市场监管局营业执照", licences.shared_fields,
                                    licences.shared_warnings, licences.enterprise_prefill))


# Penalty decisions are offered to other departments (measure III.2); the portal reads them through the penalties
# area's query function (dependencies point from the portal to the domain areas).
register_shared_dataset("decisions", shared_decisions)
register_law_resolver(law_url)
