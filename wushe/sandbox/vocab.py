"""Vocabulary of the synthetic city: the words partners really use (from the seed reports).

Plain data, no logic. Real national banks appear under their real names because staff meet them
in every community (建设银行园岭支行); chains, shops, companies and agencies are invented names
of the usual shapes, so no real business is described.
"""

from __future__ import annotations

# (surname, weight) — the commonest mainland surnames, roughly by frequency
SURNAMES = (
    ("王", 72), ("李", 71), ("张", 68), ("刘", 54), ("陈", 53), ("杨", 35), ("黄", 25), ("赵", 22),
    ("吴", 21), ("周", 21), ("徐", 15), ("孙", 15), ("马", 12), ("朱", 12), ("胡", 11), ("郭", 11),
    ("何", 10), ("林", 10), ("罗", 10), ("高", 9), ("郑", 9), ("梁", 8), ("谢", 7), ("宋", 7),
    ("唐", 6), ("许", 6), ("韩", 6), ("冯", 6), ("邓", 6), ("曹", 6), ("彭", 5), ("曾", 5), ("肖", 5),
    ("田", 5), ("董", 5), ("袁", 5), ("潘", 4), ("蔡", 4), ("蒋", 4), ("余", 4), ("杜", 4), ("叶", 4),
    ("程", 4), ("魏", 4), ("苏", 3), ("吕", 3), ("丁", 3), ("任", 3), ("卢", 3), ("姚", 3), ("沈", 3),
    ("钟", 3), ("姜", 3), ("崔", 3), ("谭", 3), ("陆", 3), ("范", 2), ("汪", 2), ("廖", 2), ("石", 2),
    ("金", 2), ("韦", 2), ("贾", 2), ("夏", 2), ("付", 2), ("方", 2), ("邹", 2), ("熊", 2), ("白", 2),
    ("孟", 2), ("秦", 2), ("邱", 2), ("侯", 2), ("江", 2), ("尹", 2), ("薛", 2), ("闫", 2), ("段", 2),
    ("欧阳", 1), ("司马", 1), ("上官", 1),
)
GIVEN_MALE = "伟强磊军洋勇杰涛明超辉刚平鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林建国志文东海亮成康"
GIVEN_FEMALE = "芳娜敏静丽艳娟霞秀英玲桂兰燕萍红梅琳雪莉婷倩颖慧佳欣怡悦琪晶妍瑶璐蓉"
GIVEN_ANY = "子晨思雨嘉一梓宇睿博泽然晓春秋翠金玉荣永建德福"

# real banks: legal name of the head office, usual short name, common abbreviation, hotline
BANKS = (
    ("中国建设银行股份有限公司", "建设银行", "建行", "95533"),
    ("中国工商银行股份有限公司", "工商银行", "工行", "95588"),
    ("中国农业银行股份有限公司", "农业银行", "农行", "95599"),
    ("中国银行股份有限公司", "中国银行", "中行", "95566"),
    ("交通银行股份有限公司", "交通银行", "交行", "95559"),
    ("招商银行股份有限公司", "招商银行", "招行", "95555"),
    ("中国邮政储蓄银行股份有限公司", "邮储银行", "邮储", "95580"),
    ("平安银行股份有限公司", "平安银行", "平安银行", "95511"),
    ("深圳农村商业银行股份有限公司", "深圳农商银行", "农商行", "4001961200"),
    ("兴业银行股份有限公司", "兴业银行", "兴业", "95561"),
    ("中信银行股份有限公司", "中信银行", "中信", "95558"),
    ("广发银行股份有限公司", "广发银行", "广发", "400-830-8003"),
)

# invented chains: brand, trade key (see SHOP_TRADES), legal-form tail of the head company
CHAIN_BRANDS = (
    ("康宁大药房", "pharmacy", "医药连锁有限公司"), ("仁和堂大药房", "pharmacy", "医药有限公司"),
    ("百草园药房", "pharmacy", "连锁药店有限公司"), ("邻里优选", "supermarket", "商业连锁有限公司"),
    ("惠家便利", "supermarket", "便利店连锁有限公司"), ("鲜果时光", "fruit", "果业连锁有限公司"),
    ("美邦理发", "barber", "美发连锁有限公司"), ("丝域造型", "barber", "美容美发有限公司"),
    ("乐龄饭堂", "canteen", "餐饮管理有限公司"), ("好味道快餐", "canteen", "餐饮连锁有限公司"),
    ("家电医生", "appliance", "家电维修服务有限公司"), ("安居家修", "appliance", "家居服务有限公司"),
    ("光影照相馆", "photo", "文化传播有限公司"), ("爱牙口腔", "dental", "口腔门诊部有限公司"),
    ("明眸眼镜", "optician", "眼镜连锁有限公司"), ("茶语轩", "tea", "茶业有限公司"),
    ("童趣成长", "training", "教育咨询有限公司"), ("墨香书法", "training", "文化艺术培训有限公司"),
    ("徵羽音乐", "training", "音乐艺术工作室"), ("乐有家", "realty", "房地产经纪有限公司"),
)

# shop trades: sign words, which resource categories they offer, typical schedule
SHOP_TRADES: dict[str, dict] = {
    "barber": {"tails": ("理发店", "美发屋", "发型工作室", "理发室"), "categories": ("daily.haircut",)},
    "pharmacy": {"tails": ("大药房", "药店", "医药商店"), "categories": ("health.pharmacy", "health.checkup")},
    "supermarket": {"tails": ("超市", "便利店", "商行"), "categories": ("food.festival_gift", "food.food_bank")},
    "fruit": {"tails": ("水果店", "果行"), "categories": ("food.festival_gift",)},
    "canteen": {"tails": ("快餐店", "饭堂", "餐馆", "粥铺"), "categories": ("food.elder_canteen", "food.meal_aid")},
    "appliance": {"tails": ("家电维修部", "电器维修店", "五金店"), "categories": ("repair.appliance", "repair.wiring")},
    "photo": {"tails": ("照相馆", "影楼", "摄影工作室"), "categories": ("daily.photo",)},
    "dental": {"tails": ("口腔诊所", "牙科诊所"), "categories": ("health.dental",)},
    "clinic": {"tails": ("诊所", "中医馆", "门诊部"), "categories": ("health.free_clinic", "health.tcm")},
    "optician": {"tails": ("眼镜店", "视光中心"), "categories": ("health.checkup",)},
    "tea": {"tails": ("茶行", "茶庄"), "categories": ("daily.tasting",)},
    "training": {"tails": ("培训中心", "艺术中心", "工作室"), "categories": ("education.arts", "education.tutoring", "education.heritage")},
    "realty": {"tails": ("地产", "房产中介"), "categories": ("legal.policy",)},
    "laundry": {"tails": ("洗衣店", "干洗店"), "categories": ("daily.cleaning",)},
    "pet": {"tails": ("宠物医院", "宠物诊所"), "categories": ("civic.pet_rules",)},
}
SHOP_WORDS = (
    "利民", "兴旺", "好运来", "金鑫", "惠康", "福满", "佳佳", "顺发", "永兴", "和记", "阿芳", "老陈", "小林",
    "新潮", "时尚", "丽人", "名剪", "巧手", "康健", "同仁", "益民", "仁心", "家和", "万家", "百姓",
    "邻家", "agoo", "老字号", "客家", "潮汕", "湘里", "川味", "阿强", "阿华", "美丽", "星光", "盛世",
    "一品", "鸿运", "旺角", "德信", "安心", "诚信", "东门", "南山", "金龙", "银座", "好邻居", "快乐",
)

PROPERTY_BRANDS = (
    "万家", "华宇", "中海怡", "龙城", "鹏基", "福华", "深业泰", "宏发", "金地嘉", "招华",
    "天安居", "彩田", "景华", "莲花", "园岭", "碧桂", "星河湾", "佳兆",
)
ESTATE_WORDS = (
    "花园", "小区", "新村", "家园", "大厦", "苑", "雅居", "华庭", "公寓", "山庄", "名苑", "城",
)
ESTATE_NAMES = (
    "锦绣", "山水湾", "水晶城", "园岭", "百花", "红荔", "鹏益", "华富", "莲花北", "景田", "梅林",
    "翠海", "彩虹", "阳光", "碧海", "幸福", "和平", "金色", "龙华", "观澜", "樟溪", "凤凰", "桂园",
    "东湖", "滨海", "银湖", "天健", "嘉多利", "中森", "下围", "星光", "长城", "振业", "丽景",
)
VENUE_KINDS = (
    ("venue.activity_room", ("会所活动室", "长者活动室", "党群活动室", "多功能厅")),
    ("venue.meeting_room", ("会议室", "业主议事厅", "小会议室")),
    ("venue.sports", ("篮球场", "羽毛球场", "乒乓球室", "健身房")),
    ("venue.outdoor", ("中心广场", "架空层", "小公园", "儿童游乐场")),
)
REPAIR_KINDS = (
    ("repair.building", ("公共区域报修", "楼道灯维修", "门禁维修", "电梯报修")),
    ("repair.plumbing", ("水管疏通", "水龙头更换", "下水道维修")),
    ("repair.wiring", ("电路检修", "插座更换", "电线老化排查")),
    ("repair.home_adaptation", ("适老化扶手安装", "防滑改造", "卫浴适老化")),
)

SOCIAL_ORG_WORDS = (
    "仁德", "阳光", "彩虹", "启航", "同心", "和谐", "爱心", "博爱", "向日葵", "春晖", "鹏城", "心桥",
    "乐龄", "晨曦", "绿色", "蒲公英", "益行", "鹏星", "协力", "善缘", "关爱", "睦邻", "新生活", "青藤",
)
SOCIAL_ORG_FIELDS = (
    ("青少年礼仪指导", "中心", "private_non_enterprise"), ("环境保护产业", "协会", "association"),
    ("文化艺术行业培训", "协会", "association"), ("生态文明", "促进会", "association"),
    ("长者服务", "中心", "private_non_enterprise"), ("家庭综合服务", "中心", "private_non_enterprise"),
    ("残疾人康复", "服务中心", "private_non_enterprise"), ("公益服务", "发展中心", "private_non_enterprise"),
    ("志愿者", "协会", "association"), ("慈善", "会", "association"), ("养老服务", "协会", "association"),
    ("心理健康", "服务中心", "private_non_enterprise"), ("儿童发展", "中心", "private_non_enterprise"),
    ("社区发展", "促进会", "association"), ("非遗文化", "研究会", "association"),
)
SOCIAL_WORK_FORMS = ("社会工作服务中心", "社工服务社", "社会工作服务社", "社会工作发展中心")
VOLUNTEER_TEAM_KINDS = (
    "党员志愿服务队", "银龄志愿服务队", "巾帼志愿者服务队", "青年志愿服务队", "老年义工队",
    "银龄护溪队", "应急志愿服务队", "文明养犬志愿队", "义修志愿服务队", "楼长志愿服务队",
)
GOVERNMENT_OFFICES = ("民政局", "残疾人联合会", "卫生健康局", "退役军人事务局", "人力资源局", "司法局")
ENTERPRISE_WORDS = (
    "华强", "鹏程", "前海", "科兴", "创维达", "云图", "海纳", "金蝶园", "迅达", "优联", "智汇", "鼎盛",
    "德昌", "长青", "宏图", "信达", "嘉联", "安和", "泰然", "汇通",
)
ENTERPRISE_TAILS = ("科技有限公司", "实业有限公司", "电子有限公司", "贸易有限公司", "投资发展有限公司", "建设工程有限公司")
COLLECTIVE_TAILS = ("经济社", "股份合作公司", "经济合作社")

ROADS = (
    "红荔路", "上步中路", "园岭七街", "园岭八街", "百花二路", "八卦一路", "深南中路", "笋岗西路", "华富路",
    "莲花路", "北环大道", "梅林路", "福华路", "金田路", "彩田路", "新洲路", "建设路", "人民南路", "东门中路",
    "翠竹路", "爱国路", "宝安南路", "南海大道", "科苑路", "桂庙路", "前海路", "龙华大道", "人民路",
    "观澜大道", "大浪路", "坪山大道", "碧岭路", "深汕路", "龙岗大道", "布吉路", "罗村大道", "凤城路",
    "东环路", "创业路", "宝民路", "沙河西路", "侨香路", "香梅路", "景田路", "泥岗路", "沙湾路",
)

# target group words each partner may write (the first is the commonest)
TARGET_WORDS: dict[str, tuple[str, ...]] = {
    "residents": ("社区居民", "辖区居民", "全体居民"),
    "elderly": ("老年人", "长者", "老人"),
    "elderly.very_old": ("高龄老人", "80岁以上老人", "高龄长者"),
    "elderly.living_alone": ("独居老人", "独居长者", "独居"),
    "elderly.empty_nest": ("空巢老人", "空巢长者", "空巢家庭"),
    "elderly.disabled": ("失能老人", "失能长者", "失能"),
    "elderly.semi_disabled": ("半失能老人", "半失能长者", "半失能"),
    "elderly.widowed_childless": ("孤寡老人", "孤寡长者", "孤老"),
    "children": ("儿童青少年", "青少年", "少年儿童"),
    "children.hardship": ("困境儿童", "困难儿童", "困境少儿"),
    "children.left_behind": ("留守儿童", "留守少儿", "留守"),
    "children.infant": ("婴幼儿", "0-3岁婴幼儿", "幼儿"),
    "disabled": ("残疾人", "残障人士", "持证残疾人"),
    "low_income": ("困难群体", "困难群众", "低收入群体"),
    "low_income.dibao": ("低保户", "低保对象", "低保家庭"),
    "low_income.tekun": ("特困人员", "特困供养人员", "特困"),
    "low_income.marginal": ("低保边缘户", "低边家庭", "低保边缘"),
    "low_income.temporary": ("临时困难家庭", "临时困难群众", "临困"),
    "outdoor_workers": ("户外劳动者", "户外工作者", "户外职工"),
    "outdoor_workers.sanitation": ("环卫工人", "环卫工", "清洁工人"),
    "outdoor_workers.delivery": ("外卖小哥", "快递小哥", "快递外卖员"),
    "veterans": ("退役军人", "退伍军人", "军属"),
    "women": ("妇女", "女性", "妇女同胞"),
    "women.mothers": ("宝妈", "全职妈妈", "返岗妈妈"),
    "patients": ("重病患者", "慢病患者", "大病患者"),
    "migrants": ("来深建设者", "留深人员", "外来务工人员"),
    "families": ("亲子家庭", "辖区家庭", "双职工家庭"),
    "youth": ("青年", "青年人", "新市民青年"),
    "pet_owners": ("养犬人", "犬主", "养宠居民"),
}

# category words: what each partner calls a resource category (one per partner, by position)
CATEGORY_WORDS: dict[str, tuple[str, ...]] = {
    "health.free_clinic": ("义诊", "免费义诊", "爱心义诊", "健康义诊"),
    "health.tcm": ("中医推拿", "中医理疗", "艾灸理疗", "推拿按摩"),
    "health.checkup": ("免费测血压", "健康检测", "眼健康检查", "量血压测血糖"),
    "health.dental": ("口腔检查", "免费洁牙", "爱牙义诊", "口腔义诊"),
    "health.pharmacy": ("爱心药房", "送药上门", "平价药品", "代煎中药"),
    "health.home_doctor": ("上门看诊", "家庭医生", "上门医疗", "家医签约"),
    "health.mental": ("心理疏导", "心理咨询", "情绪支持", "心理辅导"),
    "health.rehab": ("康复训练", "康复理疗", "康复指导", "肢体康复"),
    "daily.haircut": ("义剪", "免费理发", "爱心理发", "上门理发"),
    "daily.photo": ("免费照相", "微笑一幅相", "全家福拍摄", "即影即有"),
    "daily.couplets": ("义写春联", "写春联送福", "笔墨迎新", "送春联"),
    "daily.cleaning": ("助洁服务", "家政保洁", "上门保洁", "爱心洗衣"),
    "daily.bathing": ("助浴服务", "上门助浴", "长者助浴", "助浴"),
    "daily.tasting": ("免费品鉴", "茶艺体验", "免费试吃", "品茶会"),
    "repair.appliance": ("义修", "家电维修", "小家电维修", "免费修家电"),
    "repair.wiring": ("电线检修", "电路检修", "线路改造", "用电安全检查"),
    "repair.plumbing": ("水管维修", "水电维修", "管道疏通", "水电上门"),
    "repair.home_adaptation": ("适老化改造", "居家适老化", "扶手安装", "无障碍改造"),
    "repair.building": ("楼道设施维修", "公共设施报修", "楼道维修", "公区维修"),
    "legal.advice": ("法律咨询", "与法同行", "律师坐诊", "法律援助"),
    "legal.policy": ("政策咨询", "政策解读", "惠民政策宣传", "高龄津贴办理"),
    "legal.mediation": ("纠纷调解", "邻里调解", "人民调解", "矛盾调处"),
    "food.food_bank": ("食物银行", "爱心食物站", "食物援助", "爱心冰箱"),
    "food.meal_aid": ("助餐配餐", "送餐上门", "长者助餐", "爱心餐"),
    "food.elder_canteen": ("长者饭堂", "长者食堂", "社区饭堂", "老年餐桌"),
    "food.child_lunch": ("儿童午托", "四点半课堂午托", "午托服务", "学生午餐"),
    "food.festival_gift": ("节日慰问品", "新春祝福礼包", "慰问物资", "过节礼包"),
    "safety.anti_fraud": ("防诈骗宣传", "反诈宣传", "防骗讲座", "反诈骗知识"),
    "safety.emergency_drill": ("应急演练", "应急保平安", "逃生演练", "急救培训"),
    "safety.fire": ("消防安全", "消防演练", "消防宣传", "灭火器检查"),
    "safety.epidemic": ("疫情防控", "防疫物资", "疫苗接种协助", "核酸协助"),
    "civic.pet_rules": ("文明养犬", "犬只芯片植入", "宠物义诊", "养犬登记"),
    "civic.waste_sorting": ("垃圾分类", "垃圾分类宣传", "绿色减碳", "环保回收"),
    "civic.feedback": ("社情民意", "书记面对面", "社情民意直通车", "民意收集"),
    "care.visiting": ("探访慰问", "幸福来敲门", "入户探访", "关爱探访"),
    "care.escort": ("陪同就医", "就医陪护", "陪诊服务", "医养直通车"),
    "care.home_care": ("居家照护", "上门照料", "居家养老服务", "上门护理"),
    "care.day_care": ("日间照料", "日托服务", "长者日间照料", "日间托老"),
    "care.respite": ("喘息服务", "家庭照护者喘息", "短期托养", "喘息照护"),
    "care.child_care": ("儿童托管", "四点半课堂", "课后托管", "暑期托管"),
    "mobility.wheelchair": ("轮椅借用", "轮椅租借", "爱心轮椅", "辅具借用"),
    "mobility.stair_climber": ("爬楼机", "爬楼机服务", "上下楼协助", "助行爬楼"),
    "mobility.assistive": ("辅具适配", "助听器适配", "康复辅具", "辅具评估"),
    "mobility.transport": ("助行接送", "爱心接送", "无障碍接送", "出行陪护"),
    "venue.activity_room": ("活动室", "多功能活动室", "长者活动室", "党群活动室"),
    "venue.meeting_room": ("会议室", "议事厅", "会议场地", "共享会议室"),
    "venue.sports": ("运动场地", "篮球场", "健身场地", "体育场地"),
    "venue.outdoor": ("户外场地", "广场", "架空层", "户外空间"),
    "funds.grant": ("项目资助", "公益创投", "民生微实事", "项目资金"),
    "funds.emergency_aid": ("临时救助", "应急救助", "困难救助", "紧急救助金"),
    "funds.subsidy": ("补贴津贴", "高龄津贴", "生活补贴", "补助金"),
    "funds.goods": ("捐赠物资", "爱心物资", "物资捐赠", "生活物资"),
    "funds.education_aid": ("助学金", "奖助学金", "爱心助学", "助学补助"),
    "education.tutoring": ("课业辅导", "作业辅导", "学业辅导", "四点半学堂"),
    "education.arts": ("艺术体验", "音乐体验课", "书画体验", "美育课堂"),
    "education.heritage": ("非遗体验", "非遗手作", "传统文化体验", "民俗体验"),
    "education.parenting": ("亲子活动", "亲子阅读", "家庭教育讲座", "亲子手工"),
    "education.digital": ("智能手机教学", "长者学手机", "数字助老", "手机课堂"),
    "education.sports": ("青少年体能", "体能训练", "少儿运动课", "体育公益课"),
    "employment.jobs": ("就业岗位", "招聘会", "灵活就业岗位", "公益岗位"),
    "employment.training": ("技能培训", "职业技能培训", "就业培训", "创业培训"),
    "volunteering.general": ("志愿服务", "志愿服务时长", "义工服务", "志愿者招募"),
    "volunteering.skilled": ("专业志愿服务", "技能志愿", "专业义工", "志愿专才"),
}

# wish titles (微心愿) by category
WISH_TITLES: dict[str, tuple[str, ...]] = {
    "food.festival_gift": ("想要一份新春礼包", "希望收到一袋大米和食用油", "想要一箱牛奶"),
    "funds.goods": ("想要一台电风扇", "希望有一床新棉被", "想要一个电饭煲", "需要一台空气炸锅"),
    "education.tutoring": ("希望有人辅导数学作业", "想要一套课外读物", "需要英语学习机"),
    "funds.education_aid": ("想要一个新书包和文具", "希望得到助学金", "需要一台学习用平板"),
    "mobility.wheelchair": ("需要一台轮椅", "想借用助行器"),
    "care.visiting": ("希望志愿者每周来陪我聊天", "想要有人定期探望"),
    "daily.haircut": ("行动不便，希望上门理发",),
    "repair.appliance": ("家里的电视坏了想请人修", "热水器需要维修"),
    "repair.wiring": ("家中电线老化需要检修", "插座经常跳闸"),
    "health.checkup": ("想做一次眼健康检查", "需要一个电子血压计"),
    "daily.photo": ("想拍一张全家福",),
    "education.arts": ("孩子想学画画", "想要一把尤克里里"),
    "care.escort": ("去医院复诊需要人陪同",),
}
GOODS_ITEMS = (
    ("大米", "袋"), ("食用油", "桶"), ("牛奶", "箱"), ("棉被", "床"), ("口罩", "盒"), ("电风扇", "台"),
    ("书包", "个"), ("文具套装", "套"), ("速冻汤圆", "袋"), ("新春祝福礼包", "份"), ("轮椅", "台"),
    ("血压计", "个"), ("矿泉水", "箱"), ("月饼", "盒"), ("面条", "箱"), ("洗衣液", "瓶"),
)
SUBSIDY_PROGRAMMES = (
    ("高龄老人津贴", "funds.subsidy", ("elderly.very_old",)),
    ("残疾人两项补贴", "funds.subsidy", ("disabled",)),
    ("最低生活保障金", "funds.subsidy", ("low_income.dibao",)),
    ("特困人员供养金", "funds.subsidy", ("low_income.tekun",)),
    ("困境儿童基本生活补贴", "funds.subsidy", ("children.hardship",)),
    ("居家养老服务补贴", "funds.subsidy", ("elderly", "elderly.disabled")),
    ("临时救助金", "funds.emergency_aid", ("low_income.temporary",)),
    ("孤儿基本生活费", "funds.subsidy", ("children.hardship",)),
    ("重度残疾人护理补贴", "funds.subsidy", ("disabled",)),
    ("长者助餐补贴", "food.meal_aid", ("elderly",)),
)
FUND_PROGRAMMES = (
    "“暖民心”阳光行动", "“幸福来敲门”探访计划", "“左邻右舍创家园”街区自治计划", "食物银行绿色减碳公益项目",
    "“关爱一老一小”专项基金", "困境儿童助学计划", "长者助餐公益项目", "户外劳动者爱心驿站",
    "“‘坪’安健康年”春节关爱行动", "邻里互助基金", "民生微实事项目", "乐龄服务计划",
)
SKILLS = (
    "理发", "电工", "水电维修", "家电维修", "中医推拿", "摄影", "书法", "心理咨询", "法律咨询", "医护",
    "驾驶", "陪伴聊天", "课业辅导", "英语", "手工", "舞蹈", "烹饪", "急救", "计算机", "翻译", "文艺表演",
)
OUTSIDE_AREA_CODES = (
    "430521", "431002", "360731", "450921", "445281", "441481", "441522", "510923", "411524", "421087",
    "350524", "440582", "362330", "522101", "340826", "610321", "130423", "441223",
)

# common wrong characters in hand-typed names: right -> wrong (homophones and look-alikes)
TYPOS = {
    "园": "圆", "岭": "领", "社": "设", "区": "曲", "服": "复", "务": "物", "中": "忠", "心": "新",
    "爱": "受", "康": "糠", "华": "化", "福": "富", "民": "明", "发": "法", "理": "里", "店": "点",
    "药": "要", "房": "防", "银": "很", "行": "形", "建": "健", "设": "没", "田": "甜", "花": "化",
    "宁": "柠", "仁": "人", "和": "合", "明": "名", "湾": "弯", "苑": "院", "庭": "廷", "峰": "锋",
    "鹏": "朋", "深": "琛", "圳": "川", "碧": "璧", "溪": "西", "城": "诚", "坪": "平", "龙": "笼",
}

# legal-form variants: a partner may write any of them for the same company
LEGAL_FORM_VARIANTS = (
    ("股份有限公司", ("股份公司", "")),
    ("有限责任公司", ("有限公司", "")),
    ("有限公司", ("公司", "")),
)
