"""Rules of the accounts area: how failed sign-ins and one-time codes are throttled (kernel/throttle.py)."""

import datetime as dt

from bureau.kernel.rules import RuleDefault, register_rules

DENGBAO = "网络安全等级保护基本要求（GB/T 22239-2019）8.1.4.1 a) 登录失败处理：限制非法登录次数"
START = dt.date(2024, 1, 1)


def _policy(name: str, label: str, *, window: int, block_after: int, block_seconds: int,
            delay_after: int | None = None, delay_max: int | None = None) -> list[RuleDefault]:
    rows = [
        RuleDefault(f"throttle.{name}.window_seconds", window, f"{label}：失败次数的统计时间窗", DENGBAO, START, "秒"),
        RuleDefault(f"throttle.{name}.block_after", block_after, f"{label}：时间窗内失败达到此次数即锁定", DENGBAO,
                    START, "次"),
        RuleDefault(f"throttle.{name}.block_seconds", block_seconds, f"{label}：锁定时长", DENGBAO, START, "秒"),
    ]
    if delay_after is not None:
        rows += [
            RuleDefault(f"throttle.{name}.delay_after", delay_after,
                        f"{label}：失败达到此次数后，每次再失败须等待的时间加倍", DENGBAO, START, "次"),
            RuleDefault(f"throttle.{name}.delay_max_seconds", delay_max, f"{label}：加倍等待的上限", DENGBAO, START,
                        "秒"),
        ]
    return rows


register_rules(
    # one account from one address: the 等保 lockout (the same person guessing)
    *_policy("login_pair", "同一账号在同一地址登录失败", window=900, block_after=5, block_seconds=900, delay_after=3,
             delay_max=60),
    # one account from every address: slows a distributed guess without letting anyone lock the owner out of a
    # device the owner has signed in from before (trusted-device cookie)
    *_policy("login_account", "同一账号在所有地址登录失败（已信任设备除外）", window=3600, block_after=50,
             block_seconds=900, delay_after=10, delay_max=900),
    # one address against many accounts (password spraying)
    *_policy("login_address", "同一地址对所有账号登录失败", window=900, block_after=30, block_seconds=900),
    # the second factor is throttled like the password
    *_policy("otp", "动态口令校验失败", window=900, block_after=5, block_seconds=900, delay_after=3, delay_max=60),
)

# SMS one-time codes (registration, password reset). GB/T 22239-2019 8.1.4.1 a) asks that identification be
# unique and authentication data hard to guess and limited in tries; 个人信息保护法 第五十一条 asks that the phone
# numbers behind it be protected. The figures are the platform's own policy (common practice of government service
# platforms), editable here.
SMS_SOURCE = ("本平台短信验证码策略（依据网络安全等级保护基本要求 GB/T 22239-2019 8.1.4.1 身份鉴别；"
              "个人信息保护法 第五十一条）")
register_rules(
    RuleDefault("sms_code.ttl_seconds", 300, "短信验证码有效期", SMS_SOURCE, START, "秒"),
    RuleDefault("sms_code.max_attempts", 5, "一个短信验证码最多可尝试的次数（用完即失效）", SMS_SOURCE, START, "次"),
    RuleDefault("sms_code.resend_seconds", 60, "同一手机号同一用途再次发送验证码的最短间隔", SMS_SOURCE, START, "秒"),
    RuleDefault("sms_code.phone_limit", 5, "同一手机号在统计时间窗内最多发送的验证码条数", SMS_SOURCE, START, "条"),
    RuleDefault("sms_code.address_limit", 20, "同一地址在统计时间窗内最多请求发送的验证码条数", SMS_SOURCE, START, "条"),
    RuleDefault("sms_code.window_seconds", 3600, "验证码发送次数的统计时间窗", SMS_SOURCE, START, "秒"),
)
