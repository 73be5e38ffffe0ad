//! The workbench's words in Vietnamese (default) and English, and its number style.

use std::collections::BTreeMap;

use crate::number::NumberStyle;

/// Page language (ngôn ngữ).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Tiếng Việt.
    #[default]
    Vi,
    /// English.
    En,
}

impl Lang {
    /// `vi` or `en`, anything else is Vietnamese.
    pub fn parse(text: &str) -> Lang {
        if text.trim().eq_ignore_ascii_case("en") {
            Lang::En
        } else {
            Lang::Vi
        }
    }

    /// `vi` or `en`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    /// The other language.
    pub fn other(self) -> Lang {
        match self {
            Lang::Vi => Lang::En,
            Lang::En => Lang::Vi,
        }
    }

    /// How numbers are written in this language. Vietnamese pages write 1.234.567,5.
    pub fn numbers(self) -> NumberStyle {
        match self {
            Lang::Vi => NumberStyle::Vietnamese,
            Lang::En => NumberStyle::English,
        }
    }

    /// What kind of failure `error` is, in this language (the first line of an error page,
    /// above the library's English detail).
    pub fn error_kind(self, error: &crate::Error) -> &'static str {
        use crate::Error;
        self.word(match error {
            Error::Invalid(_) => "error_invalid",
            Error::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
                "error_not_found"
            }
            Error::Io { .. } => "error_io",
            Error::Solver(_) => "error_solver",
            Error::Internal(_) => "error_internal",
            Error::Unsupported { .. } => "error_unsupported",
        })
    }

    /// The word for `key` (the key itself if it has none).
    pub fn word(self, key: &str) -> &'static str {
        WORDS
            .iter()
            .find(|(k, _, _)| *k == key)
            .map_or("?", |(_, vi, en)| match self {
                Lang::Vi => vi,
                Lang::En => en,
            })
    }

    /// Every word, for templates (`t.status`).
    pub fn words(self) -> BTreeMap<&'static str, &'static str> {
        WORDS
            .iter()
            .map(|(k, vi, en)| (*k, if self == Lang::Vi { *vi } else { *en }))
            .collect()
    }
}

/// (key, Vietnamese, English).
const WORDS: &[(&str, &str, &str)] = &[
    ("app", "Bàn làm việc NTM", "NTM workbench"),
    ("switch", "English", "Tiếng Việt"),
    ("home", "Chọn kịch bản", "Open a scenario"),
    ("status", "Hiện trạng", "Status"),
    ("plan", "Kế hoạch vốn", "Plan"),
    ("rules", "Quy tắc phân bổ", "Rules"),
    ("targets", "Chỉ tiêu", "Targets"),
    ("sweep", "Đường cong vốn", "Sweep"),
    ("audit", "Kiểm tra số liệu", "Audit"),
    ("downloads", "Tải về", "Downloads"),
    ("shipped", "Kịch bản có sẵn", "Shipped scenarios"),
    (
        "saved",
        "Kịch bản đã mở (thư mục làm việc)",
        "Scenarios in the workspace",
    ),
    ("open", "Mở", "Open"),
    ("folder", "Thư mục kịch bản", "Scenario folder"),
    (
        "folder_hint",
        "Đường dẫn thư mục trong các thư mục được phép",
        "A folder path inside the allowed roots",
    ),
    (
        "upload_xlsx",
        "Tải lên sổ Excel (định dạng import-xlsx)",
        "Upload a workbook (import-xlsx format)",
    ),
    (
        "upload_zip",
        "Tải lên thư mục kịch bản đã nén (.zip)",
        "Upload a zipped scenario folder (.zip)",
    ),
    ("base", "Lấy vốn và chỉ tiêu từ", "Budgets and targets from"),
    ("none", "(không có)", "(none)"),
    ("year", "Năm", "Year"),
    ("synthetic", "DỮ LIỆU GIẢ LẬP", "SYNTHETIC DATA"),
    ("communes", "Số xã", "Communes"),
    ("at_standard", "Xã đạt chuẩn NTM", "Communes at standard"),
    ("advanced", "Đạt chuẩn nâng cao", "Advanced"),
    ("model", "Kiểu mẫu", "Model"),
    (
        "average",
        "Bình quân tiêu chí/xã",
        "Average criteria per commune",
    ),
    (
        "bands",
        "Số xã theo số tiêu chí đạt",
        "Communes by criteria met",
    ),
    (
        "criteria",
        "Số xã đạt từng tiêu chí",
        "Communes meeting each criterion",
    ),
    ("commune", "Xã", "Commune"),
    ("district", "Huyện", "District"),
    ("met", "Tiêu chí đạt", "Criteria met"),
    ("band", "Nhóm", "Band"),
    ("tier", "Mức đạt chuẩn", "Tier"),
    (
        "blocking",
        "Tiêu chí còn thiếu cho mức tiếp theo",
        "Criteria missing for the next tier",
    ),
    ("missing_for", "để đạt", "for"),
    ("severity_error", "lỗi", "error"),
    ("severity_warning", "cảnh báo", "warning"),
    ("severity_info", "thông tin", "info"),
    (
        "english_only",
        "(chỉ có bản tiếng Anh)",
        "(English only)",
    ),
    ("filter", "Lọc", "Filter"),
    ("all", "Tất cả", "All"),
    (
        "sort_hint",
        "Bấm tiêu đề cột để sắp xếp",
        "Click a column header to sort",
    ),
    ("below_standard", "chưa đạt chuẩn", "below standard"),
    (
        "budgets",
        "Vốn theo nguồn và năm (triệu đồng)",
        "Budgets by source and year (million VND)",
    ),
    ("source", "Nguồn vốn", "Capital source"),
    ("target", "Chỉ tiêu", "Target"),
    ("value", "Giá trị", "Value"),
    ("save", "Lưu thay đổi", "Save changes"),
    (
        "saved_note",
        "Thay đổi được ghi vào bản sao trong thư mục làm việc; tệp gốc không đổi.",
        "Changes go to the copy in the workspace; shipped files never change.",
    ),
    ("objective", "Mục tiêu tối ưu", "Objective"),
    (
        "max-standard",
        "Nhiều xã đạt chuẩn nhất",
        "Most communes at standard",
    ),
    (
        "min-cost",
        "Đạt mọi chỉ tiêu với chi phí ít nhất",
        "All targets at least cost",
    ),
    (
        "max-criteria",
        "Nhiều tiêu chí đạt nhất",
        "Most criteria met",
    ),
    (
        "time_limit",
        "Giới hạn thời gian (giây)",
        "Time limit (seconds)",
    ),
    ("run", "Chạy", "Run"),
    ("cancel", "Hủy", "Cancel"),
    ("queued", "Đang chờ", "Queued"),
    ("running", "Đang giải", "Solving"),
    ("done", "Xong", "Done"),
    ("failed", "Lỗi", "Failed"),
    ("cancelled", "Đã hủy", "Cancelled"),
    ("result", "Kết quả", "Result"),
    ("plan_status", "Trạng thái lời giải", "Solution status"),
    ("optimal", "Tối ưu", "Proven optimal"),
    (
        "optimal-out-of-reach",
        "Tối ưu, nhưng có chỉ tiêu không thể đạt dù thêm vốn",
        "Proven optimal, but some targets are out of reach with any money",
    ),
    (
        "feasible-out-of-reach",
        "Khả thi (chưa chứng minh tối ưu), có chỉ tiêu không thể đạt dù thêm vốn",
        "Feasible (not proven optimal), some targets out of reach with any money",
    ),
    (
        "feasible",
        "Khả thi (chưa chứng minh tối ưu)",
        "Feasible (not proven optimal)",
    ),
    (
        "infeasible",
        "Không đạt mọi chỉ tiêu",
        "Targets cannot all be met",
    ),
    (
        "short-unproven",
        "Chưa tìm được phương án đạt mọi chỉ tiêu trong thời gian cho phép (chưa chứng minh là không thể)",
        "No plan meeting every target found in the time (not proven impossible)",
    ),
    (
        "standard_after",
        "Xã đạt chuẩn sau kế hoạch",
        "Communes at standard after the plan",
    ),
    ("achieved", "Đạt được", "Achieved"),
    ("shortfall", "Còn thiếu", "Shortfall"),
    (
        "spend",
        "Chi theo nguồn (triệu đồng)",
        "Spend by source (million VND)",
    ),
    ("budget", "Kế hoạch vốn", "Budget"),
    ("spent", "Đã dùng", "Spent"),
    ("projects", "Dự án được bố trí vốn", "Funded projects"),
    ("project", "Dự án", "Project"),
    ("cost", "Tổng mức (triệu đồng)", "Cost (million VND)"),
    ("funding", "Nguồn vốn", "Funding"),
    ("newly", "Xã đạt chuẩn mới", "Communes newly at standard"),
    (
        "extra",
        "Vốn cần thêm ít nhất (triệu đồng)",
        "Least extra money (million VND)",
    ),
    (
        "unreachable",
        "Chỉ tiêu không thể đạt với các dự án hiện có",
        "Targets no money reaches with these projects",
    ),
    ("reachable", "tối đa đạt được", "most reachable"),
    (
        "no_project_raises_it",
        "không dự án nào nâng được tiêu chí này",
        "no project raises it",
    ),
    (
        "beyond_all_candidates",
        "vượt quá mức đạt được khi cấp vốn mọi dự án",
        "beyond funding every candidate project",
    ),
    ("nothing", "Không có", "None"),
    (
        "allocate",
        "Phân bổ vốn theo quy tắc",
        "Allocation by a rule",
    ),
    ("allocate_run", "Phân bổ", "Allocate"),
    ("assumed", "có giá trị giả định", "has assumed values"),
    ("allocated", "Đã phân bổ cho xã", "Allocated to communes"),
    (
        "set_aside",
        "Để lại (triệu đồng)",
        "Set aside (million VND)",
    ),
    (
        "unallocated",
        "Chưa phân bổ (triệu đồng)",
        "Unallocated (million VND)",
    ),
    ("coefficient", "Hệ số", "Coefficient"),
    ("counterpart", "Đối ứng", "Counterpart"),
    (
        "compare",
        "So sánh quy tắc với phương án tối ưu",
        "Rules compared with the optimal plan",
    ),
    ("rule", "Quy tắc", "Rule"),
    ("gini", "Hệ số Gini", "Gini"),
    (
        "price",
        "Giá của quy tắc (vốn thêm, triệu đồng)",
        "Price of the rule (extra money, million VND)",
    ),
    (
        "cost_per_new",
        "Chi phí mỗi xã đạt chuẩn mới",
        "Cost per commune newly at standard",
    ),
    (
        "poorest_share",
        "Tỷ lệ vốn tới nhóm thấp nhất (%)",
        "Share to the poorest band (%)",
    ),
    ("drafted", "Dự thảo chỉ tiêu năm", "Drafted targets for"),
    ("copy", "Sao chép", "Copy"),
    ("copied", "Đã sao chép", "Copied"),
    ("vietnamese", "Tiếng Việt", "Vietnamese"),
    ("english", "Tiếng Anh", "English"),
    ("trade_offs", "Đánh đổi", "Trade-offs"),
    ("baseline", "Hiện tại", "Now"),
    ("achievable", "Có thể đạt", "Achievable"),
    (
        "range",
        "Hệ số vốn (từ..đến)",
        "Budget multipliers (from..to)",
    ),
    ("steps", "Số điểm", "Points"),
    ("findings", "Phát hiện", "Findings"),
    ("passed", "Kiểm tra đạt", "Checks that hold"),
    ("severity", "Mức độ", "Severity"),
    ("arithmetic", "Phép tính", "Arithmetic"),
    ("fix", "Cách sửa", "Fix"),
    ("error", "Lỗi", "Error"),
    (
        "error_title",
        "Không mở được dữ liệu",
        "The data could not be used",
    ),
    ("back", "Quay lại", "Back"),
    ("hint", "Gợi ý", "Hint"),
    ("line", "dòng", "line"),
    (
        "error_invalid",
        "Dữ liệu đầu vào có vấn đề; từng vấn đề được liệt kê bên dưới (chi tiết bằng tiếng Anh).",
        "The input has problems; each is listed below.",
    ),
    (
        "error_not_found",
        "Không tìm thấy tệp hoặc thư mục (chi tiết bằng tiếng Anh bên dưới).",
        "A file or folder was not found.",
    ),
    (
        "error_io",
        "Không đọc hoặc ghi được một tệp (chi tiết bằng tiếng Anh bên dưới).",
        "A file could not be read or written.",
    ),
    (
        "error_solver",
        "Bộ giải tối ưu gặp lỗi, không phải do bài toán vô nghiệm (chi tiết bằng tiếng Anh bên dưới).",
        "The solver failed, not because the problem has no solution.",
    ),
    (
        "error_internal",
        "Lỗi nội bộ của ntm (lỗi phần mềm, không phải lỗi dữ liệu); hãy báo lại kèm kịch bản.",
        "An internal error in ntm (a bug, not a problem of the data); please report it with the scenario.",
    ),
    (
        "error_unsupported",
        "Không thực hiện được yêu cầu này với dữ liệu đã cho (lý do bằng tiếng Anh bên dưới).",
        "This request cannot be carried out with the given data.",
    ),
    (
        "docx",
        "Dự thảo Kế hoạch (Word, .docx)",
        "Plan document draft (Word, .docx)",
    ),
    ("draft_plan", "Dự thảo Kế hoạch", "Plan document draft"),
    (
        "draft_plan_intro",
        "Lập kế hoạch vốn cho kịch bản như đang sửa, rồi soạn văn bản Kế hoạch (ntm draft-plan) để tải về và hoàn thiện trong Word.",
        "Plans the scenario as edited, then writes the plan document (ntm draft-plan) to download and finish in Word.",
    ),
    ("draft_ready", "Đã soạn dự thảo", "Draft written"),
    ("outline", "Nội dung dự thảo", "Outline of the draft"),
    (
        "scenario_zip",
        "Kịch bản đã sửa (.zip)",
        "Edited scenario (.zip)",
    ),
    ("million", "triệu đồng", "million VND"),
    (
        "run_first",
        "Chạy để xem kết quả.",
        "Run to see the result.",
    ),
    ("seconds", "giây", "seconds"),
    // The "Sáp nhập" step (src/serve/merge.rs).
    ("merge", "Sáp nhập", "Merge"),
    ("merge_title", "Sáp nhập xã: chuyển số liệu sang các xã mới sau sắp xếp năm 2025", "Commune merge: carry the data to the new communes of the 2025 reorganisation"),
    ("merge_intro", "Tải lên bảng chuyển đổi, mỗi xã cũ một dòng, để xem báo cáo sáp nhập; rồi tiếp tục với kịch bản đã sáp nhập. Kịch bản đang mở không thay đổi.", "Upload the mapping, one row per old commune, to see the merge report; then continue with the merged scenario. The open scenario does not change."),
    ("merge_columns", "Các cột", "Columns"),
    ("merge_mapping", "Bảng chuyển đổi xã (.csv)", "Commune mapping (.csv)"),
    ("merge_province", "Bảng chuyển đổi tỉnh (.csv, nếu sáp nhập tỉnh)", "Province mapping (.csv, when provinces merge)"),
    ("merge_preview", "Xem báo cáo sáp nhập", "See the merge report"),
    ("merge_report", "Báo cáo sáp nhập", "Merge report"),
    ("merge_before", "trước", "before"),
    ("merge_after", "sau", "after"),
    ("merge_provinces", "Tỉnh sáp nhập", "Provinces merged"),
    ("merge_continue", "Tiếp tục với kịch bản đã sáp nhập", "Continue with the merged scenario"),
    ("merge_continue_note", "Tạo kịch bản mới trong thư mục làm việc; các trang Hiện trạng, Kế hoạch vốn… làm việc trên kịch bản đó.", "Creates a new scenario in the workspace; Status, Plan and the other pages then work on it."),
    ("merge_new_communes", "Xã mới", "New communes"),
    ("merge_kind_merged", "sáp nhập", "merged"),
    ("merge_kind_kept", "giữ nguyên hoặc đổi tên", "kept or renamed"),
    ("merge_criteria_met", "tiêu chí đạt", "criteria met"),
    ("merge_group", "Nhóm xã", "Commune group"),
    ("merge_resolution", "Căn cứ sắp xếp", "Resolution"),
    ("merge_members", "Xã thành viên (xã cũ)", "Members (old communes)"),
    ("merge_before_after", "Tiêu chí trước (từng xã cũ) và sau", "Criteria before (each old commune) and after"),
    ("merge_criterion", "Tiêu chí", "Criterion"),
    ("merge_lost", "Không còn đạt", "No longer met"),
    ("merge_not_met_by", "chưa đạt ở", "not met by"),
    ("merge_old_recognitions", "Công nhận trước sáp nhập", "Recognised before the merge"),
    ("merge_values", "Giá trị đã gộp và cách gộp", "Values combined and how"),
    ("merge_parts", "Từng xã cũ", "Each old commune"),
    ("merge_how", "Cách gộp", "How"),
    ("merge_re_assess", "Phải đánh giá lại", "To re-assess"),
    ("merge_totals", "Kiểm tra tổng toàn tỉnh (các số cộng dồn được)", "Province totals check (additive figures)"),
    ("merge_total", "Tổng", "Total"),
    ("merge_same", "khớp", "same"),
    ("merge_different", "LỆCH", "DIFFERENT"),
    ("merge_targets", "Chỉ tiêu: giữ hay phải đặt lại", "Targets: carried or to be re-set"),
    ("merge_carried", "giữ", "carried"),
    ("merge_reset", "phải đặt lại", "to be re-set"),
    ("merge_why", "Lý do", "Why"),
    ("merge_sources", "Nguồn vốn của kịch bản mới", "Capital sources of the new scenario"),
    ("merge_summed", "cộng dự toán các tỉnh", "budgets of the provinces summed"),
    ("merge_rule", "Quy tắc gộp", "Merge rule"),
    ("merge_rule_entry", "Mục", "Entry"),
    ("merge_basis", "Căn cứ hoặc giả định", "Basis or assumption"),
    ("merge_assumption", "giả định", "assumption"),
    ("merge_cited", "có căn cứ", "cited"),
    ("merge_notes", "Ghi chú", "Notes"),
    ("merge_full_text", "Báo cáo đầy đủ (văn bản, tiếng Việt kèm tiếng Anh)", "Full report (text, Vietnamese with English beside)"),
    ("merge_rule_file", "Quy tắc gộp của tỉnh (.toml, nếu thay quy tắc mặc định)", "The province's merge rule (.toml, replacing the default)"),
    ("commune_group", "Nhóm xã", "Commune group"),
    ("group_n", "nhóm", "group"),
    ("province_wide", "toàn tỉnh", "province-wide"),
];
