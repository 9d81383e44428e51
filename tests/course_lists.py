"""The course's own lists, word for word, checked by the chapter text tests of several chapters."""

#: The ten key-account strategies (大客户管理策略) of the course's slides (source 000), in order.
TEN_STRATEGIES_ZH = [
    "优先向大客户供货",
    "向大客户开展关系营销",
    "及时向大客户供应新产品",
    "关注大客户的动态",
    "安排企业领导访问大客户",
    "与大客户联合设计促销方案",
    "经常征求大客户的意见",
    "及时、准确地与大客户相互传递信息",
    "为大客户制定特别的奖励政策",
    "组织大客户与企业之间的业务洽谈会",
]
