data "aws_partition" "current" {}

data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

data "aws_iam_policy_document" "aws_load_balancer_controller_policy" {
  version = "2012-10-17"

  statement {
    effect    = "Allow"
    actions   = ["iam:CreateServiceLinkedRole"]
    resources = ["*"]

    condition {
      test     = "StringEquals"
      variable = "iam:AWSServiceName"
      values   = ["elasticloadbalancing.${data.aws_partition.current.dns_suffix}"]
    }
  }

  statement {
    effect = "Allow"
    actions = [
      "ec2:DescribeAccountAttributes",
      "ec2:DescribeAddresses",
      "ec2:DescribeAvailabilityZones",
      "ec2:DescribeInternetGateways",
      "ec2:DescribeVpcs",
      "ec2:DescribeVpcPeeringConnections",
      "ec2:DescribeSubnets",
      "ec2:DescribeSecurityGroups",
      "ec2:DescribeInstances",
      "ec2:DescribeNetworkInterfaces",
      "ec2:DescribeTags",
      "ec2:GetCoipPoolUsage",
      "ec2:DescribeCoipPools",
      "ec2:GetSecurityGroupsForVpc",
      "ec2:DescribeIpamPools",
      "ec2:DescribeRouteTables",
      "elasticloadbalancing:DescribeLoadBalancers",
      "elasticloadbalancing:DescribeLoadBalancerAttributes",
      "elasticloadbalancing:DescribeListeners",
      "elasticloadbalancing:DescribeListenerCertificates",
      "elasticloadbalancing:DescribeSSLPolicies",
      "elasticloadbalancing:DescribeRules",
      "elasticloadbalancing:DescribeTargetGroups",
      "elasticloadbalancing:DescribeTargetGroupAttributes",
      "elasticloadbalancing:DescribeTargetHealth",
      "elasticloadbalancing:DescribeTags",
      "elasticloadbalancing:DescribeTrustStores",
      "elasticloadbalancing:DescribeListenerAttributes",
      "elasticloadbalancing:DescribeCapacityReservation",
    ]
    resources = ["*"]
  }

  statement {
    effect = "Allow"
    actions = [
      "cognito-idp:DescribeUserPoolClient",
      "acm:ListCertificates",
      "acm:DescribeCertificate",
      "iam:ListServerCertificates",
      "iam:GetServerCertificate",
      "waf-regional:GetWebACL",
      "waf-regional:GetWebACLForResource",
      "waf-regional:AssociateWebACL",
      "waf-regional:DisassociateWebACL",
      "wafv2:GetWebACL",
      "wafv2:GetWebACLForResource",
      "wafv2:AssociateWebACL",
      "wafv2:DisassociateWebACL",
      "shield:GetSubscriptionState",
      "shield:DescribeProtection",
      "shield:CreateProtection",
      "shield:DeleteProtection",
    ]
    resources = ["*"]
  }

  statement {
    effect = "Allow"
    actions = [
      "ec2:AuthorizeSecurityGroupIngress",
      "ec2:RevokeSecurityGroupIngress",
    ]
    resources = ["*"]
  }

  statement {
    effect    = "Allow"
    actions   = ["ec2:CreateSecurityGroup"]
    resources = ["*"]
  }

  statement {
    effect    = "Allow"
    actions   = ["ec2:CreateTags"]
    resources = ["arn:${data.aws_partition.current.partition}:ec2:*:*:security-group/*"]

    condition {
      test     = "StringEquals"
      variable = "ec2:CreateAction"
      values   = ["CreateSecurityGroup"]
    }

    condition {
      test     = "Null"
      variable = "aws:RequestTag/elbv2.k8s.aws/cluster"
      values   = ["false"]
    }
  }

  statement {
    effect = "Allow"
    actions = [
      "ec2:CreateTags",
      "ec2:DeleteTags",
    ]
    resources = ["arn:${data.aws_partition.current.partition}:ec2:*:*:security-group/*"]

    condition {
      test     = "Null"
      variable = "aws:RequestTag/elbv2.k8s.aws/cluster"
      values   = ["true"]
    }

    condition {
      test     = "Null"
      variable = "aws:ResourceTag/elbv2.k8s.aws/cluster"
      values   = ["false"]
    }
  }

  statement {
    effect = "Allow"
    actions = [
      "ec2:AuthorizeSecurityGroupIngress",
      "ec2:RevokeSecurityGroupIngress",
      "ec2:DeleteSecurityGroup",
    ]
    resources = ["*"]

    condition {
      test     = "Null"
      variable = "aws:ResourceTag/elbv2.k8s.aws/cluster"
      values   = ["false"]
    }
  }

  statement {
    effect = "Allow"
    actions = [
      "elasticloadbalancing:CreateLoadBalancer",
      "elasticloadbalancing:CreateTargetGroup",
    ]
    resources = ["*"]

    condition {
      test     = "Null"
      variable = "aws:RequestTag/elbv2.k8s.aws/cluster"
      values   = ["false"]
    }
  }

  statement {
    effect = "Allow"
    actions = [
      "elasticloadbalancing:CreateListener",
      "elasticloadbalancing:DeleteListener",
      "elasticloadbalancing:CreateRule",
      "elasticloadbalancing:DeleteRule",
    ]
    resources = ["*"]
  }

  statement {
    effect = "Allow"
    actions = [
      "elasticloadbalancing:AddTags",
      "elasticloadbalancing:RemoveTags",
    ]
    resources = [
      "arn:${data.aws_partition.current.partition}:elasticloadbalancing:*:*:targetgroup/*/*",
      "arn:${data.aws_partition.current.partition}:elasticloadbalancing:*:*:loadbalancer/net/*/*",
      "arn:${data.aws_partition.current.partition}:elasticloadbalancing:*:*:loadbalancer/app/*/*",
    ]

    condition {
      test     = "Null"
      variable = "aws:RequestTag/elbv2.k8s.aws/cluster"
      values   = ["true"]
    }

    condition {
      test     = "Null"
      variable = "aws:ResourceTag/elbv2.k8s.aws/cluster"
      values   = ["false"]
    }
  }

  statement {
    effect = "Allow"
    actions = [
      "elasticloadbalancing:AddTags",
      "elasticloadbalancing:RemoveTags",
    ]
    resources = [
      "arn:${data.aws_partition.current.partition}:elasticloadbalancing:*:*:listener/net/*/*/*",
      "arn:${data.aws_partition.current.partition}:elasticloadbalancing:*:*:listener/app/*/*/*",
      "arn:${data.aws_partition.current.partition}:elasticloadbalancing:*:*:listener-rule/net/*/*/*",
      "arn:${data.aws_partition.current.partition}:elasticloadbalancing:*:*:listener-rule/app/*/*/*",
    ]
  }

  statement {
    effect = "Allow"
    actions = [
      "elasticloadbalancing:ModifyLoadBalancerAttributes",
      "elasticloadbalancing:SetIpAddressType",
      "elasticloadbalancing:SetSecurityGroups",
      "elasticloadbalancing:SetSubnets",
      "elasticloadbalancing:DeleteLoadBalancer",
      "elasticloadbalancing:ModifyTargetGroup",
      "elasticloadbalancing:ModifyTargetGroupAttributes",
      "elasticloadbalancing:DeleteTargetGroup",
      "elasticloadbalancing:ModifyListenerAttributes",
      "elasticloadbalancing:ModifyCapacityReservation",
      "elasticloadbalancing:ModifyIpPools",
    ]
    resources = ["*"]

    condition {
      test     = "Null"
      variable = "aws:ResourceTag/elbv2.k8s.aws/cluster"
      values   = ["false"]
    }
  }

  statement {
    effect  = "Allow"
    actions = ["elasticloadbalancing:AddTags"]
    resources = [
      "arn:${data.aws_partition.current.partition}:elasticloadbalancing:*:*:targetgroup/*/*",
      "arn:${data.aws_partition.current.partition}:elasticloadbalancing:*:*:loadbalancer/net/*/*",
      "arn:${data.aws_partition.current.partition}:elasticloadbalancing:*:*:loadbalancer/app/*/*",
    ]

    condition {
      test     = "StringEquals"
      variable = "elasticloadbalancing:CreateAction"
      values = [
        "CreateTargetGroup",
        "CreateLoadBalancer",
      ]
    }

    condition {
      test     = "Null"
      variable = "aws:RequestTag/elbv2.k8s.aws/cluster"
      values   = ["false"]
    }
  }

  statement {
    effect = "Allow"
    actions = [
      "elasticloadbalancing:RegisterTargets",
      "elasticloadbalancing:DeregisterTargets",
    ]
    resources = ["arn:${data.aws_partition.current.partition}:elasticloadbalancing:*:*:targetgroup/*/*"]
  }

  statement {
    effect = "Allow"
    actions = [
      "elasticloadbalancing:SetWebAcl",
      "elasticloadbalancing:ModifyListener",
      "elasticloadbalancing:AddListenerCertificates",
      "elasticloadbalancing:RemoveListenerCertificates",
      "elasticloadbalancing:ModifyRule",
      "elasticloadbalancing:SetRulePriorities",
    ]
    resources = ["*"]
  }
}

resource "aws_iam_policy" "aws_load_balancer_controller" {
  count       = var.create ? 1 : 0
  name        = "${var.deployment_prefix}-AWSLoadBalancerController"
  description = "AWS Load Balancer Controller policy (terraform-aws-iam v5.59.0, upstream controller v2.13)."
  policy      = data.aws_iam_policy_document.aws_load_balancer_controller_policy.json
  tags        = var.tags
}

data "aws_iam_policy_document" "eks_pod_trust" {
  version = "2012-10-17"

  dynamic "statement" {
    for_each = !var.use_pod_identity ? [1] : []

    content {
      effect  = "Allow"
      actions = ["sts:AssumeRoleWithWebIdentity"]

      principals {
        type        = "Federated"
        identifiers = ["arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:oidc-provider/${var.oidc_provider}"]
      }

      condition {
        test     = "StringLike"
        variable = "${var.oidc_provider}:sub"
        values   = ["system:serviceaccount:${var.pod_namespace}:${var.pod_service_account}"]
      }

      condition {
        test     = "StringEquals"
        variable = "${var.oidc_provider}:aud"
        values   = ["sts.amazonaws.com"]
      }
    }
  }

  dynamic "statement" {
    for_each = var.use_pod_identity ? [1] : []

    content {
      effect = "Allow"
      actions = [
        "sts:AssumeRole",
        "sts:TagSession",
      ]

      principals {
        type        = "Service"
        identifiers = ["pods.eks.amazonaws.com"]
      }
    }
  }
}

resource "aws_iam_role" "eks_pod" {
  count                = var.create ? 1 : 0
  name                 = coalesce(var.eks_pod_name, "${var.deployment_prefix}-eks-pod-role")
  path                 = var.eks_pod_path
  description          = "Role of the Poolside application pods on EKS (S3, Marketplace metering, KMS, Bedrock)."
  max_session_duration = var.eks_pod_max_session_duration
  permissions_boundary = var.eks_pod_permissions_boundary
  assume_role_policy   = data.aws_iam_policy_document.eks_pod_trust.json
  tags                 = var.tags
}

data "aws_iam_policy_document" "eks_pod_s3_access" {
  version = "2012-10-17"

  statement {
    sid       = "ListPoolsideBucket"
    effect    = "Allow"
    actions   = ["s3:ListBucket"]
    resources = ["arn:${data.aws_partition.current.partition}:s3:::${var.bucket_name}"]
  }

  statement {
    sid    = "ReadWritePoolsideObjects"
    effect = "Allow"
    actions = [
      "s3:GetObject",
      "s3:PutObject",
    ]
    resources = ["arn:${data.aws_partition.current.partition}:s3:::${var.bucket_name}/*"]
  }
}

resource "aws_iam_role_policy" "eks_pod_s3_access" {
  count  = var.create ? 1 : 0
  name   = "s3-access"
  role   = aws_iam_role.eks_pod[0].id
  policy = data.aws_iam_policy_document.eks_pod_s3_access.json
}

data "aws_iam_policy_document" "eks_pod_marketplace_metering" {
  version = "2012-10-17"

  statement {
    sid       = "MeterUsage"
    effect    = "Allow"
    actions   = ["aws-marketplace:MeterUsage"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "eks_pod_marketplace_metering" {
  count  = var.create ? 1 : 0
  name   = "marketplace-metering"
  role   = aws_iam_role.eks_pod[0].id
  policy = data.aws_iam_policy_document.eks_pod_marketplace_metering.json
}

data "aws_iam_policy_document" "eks_pod_kms_access" {
  version = "2012-10-17"

  statement {
    sid    = "UseDeploymentKey"
    effect = "Allow"
    actions = [
      "kms:Decrypt",
      "kms:GenerateDataKey",
      "kms:GenerateDataKeyWithoutPlaintext",
    ]
    resources = [var.kms_key_arn]
  }
}

resource "aws_iam_role_policy" "eks_pod_kms_access" {
  count  = var.create ? 1 : 0
  name   = "kms-access"
  role   = aws_iam_role.eks_pod[0].id
  policy = data.aws_iam_policy_document.eks_pod_kms_access.json
}

data "aws_iam_policy_document" "eks_pod_bedrock_read_only" {
  version = "2012-10-17"

  statement {
    sid    = "BedrockListModels"
    effect = "Allow"
    actions = [
      "bedrock:ListFoundationModels",
      "bedrock:ListCustomModels",
    ]
    resources = ["*"]
  }

  statement {
    sid       = "BedrockGetFoundationModel"
    effect    = "Allow"
    actions   = ["bedrock:GetFoundationModel"]
    resources = ["arn:${data.aws_partition.current.partition}:bedrock:${var.bedrock_region}::foundation-model/*"]
  }
}

resource "aws_iam_role_policy" "eks_pod_bedrock_read_only" {
  count  = var.create ? 1 : 0
  name   = "bedrock-read-only"
  role   = aws_iam_role.eks_pod[0].id
  policy = data.aws_iam_policy_document.eks_pod_bedrock_read_only.json
}

data "aws_iam_policy_document" "eks_pod_bedrock_model_invocation" {
  version = "2012-10-17"

  statement {
    sid    = "BedrockInvokeModels"
    effect = "Allow"
    actions = [
      "bedrock:InvokeModel",
      "bedrock:InvokeModelWithResponseStream",
    ]
    resources = [
      "arn:${data.aws_partition.current.partition}:bedrock:${var.bedrock_region}::foundation-model/*",
      "arn:${data.aws_partition.current.partition}:bedrock:${var.bedrock_region}:${data.aws_caller_identity.current.account_id}:provisioned-model/*",
      "arn:${data.aws_partition.current.partition}:bedrock:${var.bedrock_region}:${data.aws_caller_identity.current.account_id}:custom-model-deployment/*",
      "arn:${data.aws_partition.current.partition}:bedrock:${var.bedrock_region}:${data.aws_caller_identity.current.account_id}:imported-model/*",
      "arn:${data.aws_partition.current.partition}:bedrock:${var.bedrock_region}:${data.aws_caller_identity.current.account_id}:inference-profile/*",
      "arn:${data.aws_partition.current.partition}:bedrock:${var.bedrock_region}:${data.aws_caller_identity.current.account_id}:application-inference-profile/*",
    ]
  }
}

resource "aws_iam_role_policy" "eks_pod_bedrock_model_invocation" {
  count  = var.create ? 1 : 0
  name   = "bedrock-model-invocation"
  role   = aws_iam_role.eks_pod[0].id
  policy = data.aws_iam_policy_document.eks_pod_bedrock_model_invocation.json
}

data "aws_iam_policy_document" "eks_pod_bedrock_customization_job" {
  version = "2012-10-17"

  statement {
    sid    = "BedrockCustomizationJobs"
    effect = "Allow"
    actions = [
      "bedrock:CreateModelCustomizationJob",
      "bedrock:GetModelCustomizationJob",
      "bedrock:StopModelCustomizationJob",
    ]
    resources = [
      "arn:${data.aws_partition.current.partition}:bedrock:${var.bedrock_region}:${data.aws_caller_identity.current.account_id}:model-customization-job/*",
      "arn:${data.aws_partition.current.partition}:bedrock:${var.bedrock_region}::foundation-model/*",
      "arn:${data.aws_partition.current.partition}:bedrock:${var.bedrock_region}:${data.aws_caller_identity.current.account_id}:custom-model/*",
    ]
  }

  statement {
    sid       = "PassCustomizationJobRole"
    effect    = "Allow"
    actions   = ["iam:PassRole"]
    resources = ["arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:role/${var.customization_job_role_name}"]

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["bedrock.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy" "eks_pod_bedrock_customization_job" {
  count  = var.create ? 1 : 0
  name   = "bedrock-customization-job"
  role   = aws_iam_role.eks_pod[0].id
  policy = data.aws_iam_policy_document.eks_pod_bedrock_customization_job.json
}

resource "aws_iam_role_policy_attachment" "eks_pod_additional" {
  count      = var.create ? length(var.eks_pod_additional_policy_arns) : 0
  role       = aws_iam_role.eks_pod[0].name
  policy_arn = var.eks_pod_additional_policy_arns[count.index]
}

data "aws_iam_policy_document" "bastion_host_trust" {
  version = "2012-10-17"

  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "bastion_host" {
  count                = var.create ? 1 : 0
  name                 = coalesce(var.bastion_host_name, "${var.deployment_prefix}-bastion-host-role")
  path                 = var.bastion_host_path
  description          = "Role of the Poolside bastion host (EC2) that manages the deployment."
  max_session_duration = var.bastion_host_max_session_duration
  permissions_boundary = var.bastion_host_permissions_boundary
  assume_role_policy   = data.aws_iam_policy_document.bastion_host_trust.json
  tags                 = var.tags
}

data "aws_iam_policy_document" "bastion_host_ecr_access" {
  version = "2012-10-17"

  statement {
    sid    = "ManagePoolsideRepositories"
    effect = "Allow"
    actions = [
      "ecr:PutImageTagMutability",
      "ecr:GetDownloadUrlForLayer",
      "ecr:ListTagsForResource",
      "ecr:UploadLayerPart",
      "ecr:ListImages",
      "ecr:PutImage",
      "ecr:UntagResource",
      "ecr:BatchGetImage",
      "ecr:CompleteLayerUpload",
      "ecr:DescribeImages",
      "ecr:TagResource",
      "ecr:DescribeRepositories",
      "ecr:InitiateLayerUpload",
    ]
    resources = ["arn:${data.aws_partition.current.partition}:ecr:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:repository/${var.deployment_prefix}-*"]
  }

  statement {
    sid    = "EcrAccountLevel"
    effect = "Allow"
    actions = [
      "ecr:GetAuthorizationToken",
      "ecr:DescribeRegistry",
    ]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "bastion_host_ecr_access" {
  count  = var.create ? 1 : 0
  name   = "ecr-access"
  role   = aws_iam_role.bastion_host[0].id
  policy = data.aws_iam_policy_document.bastion_host_ecr_access.json
}

data "aws_iam_policy_document" "bastion_host_cognito_management" {
  version = "2012-10-17"

  statement {
    sid    = "ManageUserPools"
    effect = "Allow"
    actions = [
      "cognito-idp:DeleteUserPool",
      "cognito-idp:UpdateUserPool",
      "cognito-idp:DescribeUserPool",
      "cognito-idp:TagResource",
      "cognito-idp:UntagResource",
      "cognito-idp:ListTagsForResource",
      "cognito-idp:CreateUserPoolClient",
      "cognito-idp:DescribeUserPoolClient",
      "cognito-idp:UpdateUserPoolClient",
      "cognito-idp:DeleteUserPoolClient",
      "cognito-idp:ListUserPoolClients",
      "cognito-idp:CreateUserPoolDomain",
      "cognito-idp:UpdateUserPoolDomain",
      "cognito-idp:DeleteUserPoolDomain",
      "cognito-idp:GetUserPoolMfaConfig",
      "cognito-idp:SetUserPoolMfaConfig",
    ]
    resources = ["arn:${data.aws_partition.current.partition}:cognito-idp:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:userpool/*"]
  }

  statement {
    sid    = "CreateAndListUserPools"
    effect = "Allow"
    actions = [
      "cognito-idp:CreateUserPool",
      "cognito-idp:ListUserPools",
      "cognito-idp:DescribeUserPoolDomain",
    ]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "bastion_host_cognito_management" {
  count  = var.create ? 1 : 0
  name   = "cognito-management"
  role   = aws_iam_role.bastion_host[0].id
  policy = data.aws_iam_policy_document.bastion_host_cognito_management.json
}

data "aws_iam_policy_document" "bastion_host_ssm_parameters" {
  version = "2012-10-17"

  statement {
    sid    = "ManageDeploymentParameters"
    effect = "Allow"
    actions = [
      "ssm:PutParameter",
      "ssm:DeleteParameter",
      "ssm:GetParametersByPath",
      "ssm:GetParameters",
      "ssm:GetParameter",
      "ssm:DeleteParameters",
    ]
    resources = ["arn:${data.aws_partition.current.partition}:ssm:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:parameter/poolside/deployment/*"]
  }
}

resource "aws_iam_role_policy" "bastion_host_ssm_parameters" {
  count  = var.create ? 1 : 0
  name   = "ssm-parameters"
  role   = aws_iam_role.bastion_host[0].id
  policy = data.aws_iam_policy_document.bastion_host_ssm_parameters.json
}

data "aws_iam_policy_document" "bastion_host_acm_read" {
  version = "2012-10-17"

  statement {
    sid    = "ReadCertificates"
    effect = "Allow"
    actions = [
      "acm:DescribeCertificate",
      "acm:GetCertificate",
      "acm:ListTagsForCertificate",
    ]
    resources = ["arn:${data.aws_partition.current.partition}:acm:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:certificate/*"]
  }

  statement {
    sid       = "ListCertificates"
    effect    = "Allow"
    actions   = ["acm:ListCertificates"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "bastion_host_acm_read" {
  count  = var.create ? 1 : 0
  name   = "acm-read"
  role   = aws_iam_role.bastion_host[0].id
  policy = data.aws_iam_policy_document.bastion_host_acm_read.json
}

data "aws_iam_policy_document" "bastion_host_terraform_state" {
  version = "2012-10-17"

  statement {
    sid    = "TerraformLockTable"
    effect = "Allow"
    actions = [
      "dynamodb:PutItem",
      "dynamodb:GetItem",
      "dynamodb:DeleteItem",
    ]
    resources = ["arn:${data.aws_partition.current.partition}:dynamodb:*:${data.aws_caller_identity.current.account_id}:table/${var.terraform_lock_table_name}"]
  }
}

resource "aws_iam_role_policy" "bastion_host_terraform_state" {
  count  = var.create ? 1 : 0
  name   = "terraform-state"
  role   = aws_iam_role.bastion_host[0].id
  policy = data.aws_iam_policy_document.bastion_host_terraform_state.json
}

data "aws_iam_policy_document" "bastion_host_bastion_default" {
  version = "2012-10-17"

  statement {
    sid    = "ReadOnlyDiscovery"
    effect = "Allow"
    actions = [
      "ec2:DescribeInstances",
      "ec2:DescribeVpcs",
      "ec2:DescribeSubnets",
      "ec2:DescribeSecurityGroups",
      "ec2:DescribeRouteTables",
      "ec2:DescribeAvailabilityZones",
      "ec2:DescribeRegions",
      "eks:ListClusters",
    ]
    resources = ["*"]
  }

  statement {
    sid       = "EksDescribeCluster"
    effect    = "Allow"
    actions   = ["eks:DescribeCluster"]
    resources = ["arn:${data.aws_partition.current.partition}:eks:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:cluster/*"]
  }

  statement {
    sid    = "ReadDeploymentRoles"
    effect = "Allow"
    actions = [
      "iam:GetRole",
      "iam:GetRolePolicy",
      "iam:ListRolePolicies",
      "iam:ListAttachedRolePolicies",
    ]
    resources = ["arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:role/${var.deployment_prefix}-*"]
  }

  statement {
    sid    = "ListDeploymentBuckets"
    effect = "Allow"
    actions = [
      "s3:ListBucket",
      "s3:GetBucketLocation",
    ]
    resources = [
      "arn:${data.aws_partition.current.partition}:s3:::${var.bucket_name}",
      "arn:${data.aws_partition.current.partition}:s3:::${var.terraform_state_bucket_name}",
    ]
  }

  statement {
    sid    = "ReadWriteDeploymentObjects"
    effect = "Allow"
    actions = [
      "s3:GetObject",
      "s3:PutObject",
      "s3:DeleteObject",
    ]
    resources = [
      "arn:${data.aws_partition.current.partition}:s3:::${var.bucket_name}/*",
      "arn:${data.aws_partition.current.partition}:s3:::${var.terraform_state_bucket_name}/*",
    ]
  }

  statement {
    sid    = "UseDeploymentKey"
    effect = "Allow"
    actions = [
      "kms:Decrypt",
      "kms:Encrypt",
      "kms:GenerateDataKey",
      "kms:DescribeKey",
    ]
    resources = [var.kms_key_arn]
  }
}

resource "aws_iam_role_policy" "bastion_host_bastion_default" {
  count  = var.create ? 1 : 0
  name   = "bastion-default"
  role   = aws_iam_role.bastion_host[0].id
  policy = data.aws_iam_policy_document.bastion_host_bastion_default.json
}

resource "aws_iam_role_policy_attachment" "bastion_host_additional" {
  count      = var.create ? length(var.bastion_host_additional_policy_arns) : 0
  role       = aws_iam_role.bastion_host[0].name
  policy_arn = var.bastion_host_additional_policy_arns[count.index]
}

resource "aws_iam_instance_profile" "bastion_host" {
  count = var.create ? 1 : 0
  name  = coalesce(var.bastion_host_name, "${var.deployment_prefix}-bastion-host-role")
  role  = aws_iam_role.bastion_host[0].name
  tags  = var.tags
}

data "aws_iam_policy_document" "load_balancer_controller_trust" {
  version = "2012-10-17"

  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = ["arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:oidc-provider/${var.oidc_provider}"]
    }

    condition {
      test     = "StringEquals"
      variable = "${var.oidc_provider}:sub"
      values   = ["system:serviceaccount:kube-system:aws-load-balancer-controller"]
    }

    condition {
      test     = "StringEquals"
      variable = "${var.oidc_provider}:aud"
      values   = ["sts.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "load_balancer_controller" {
  count                = var.create ? 1 : 0
  name                 = coalesce(var.load_balancer_controller_name, "${var.deployment_prefix}-aws-load-balancer-controller")
  path                 = var.load_balancer_controller_path
  description          = "Role of the AWS Load Balancer Controller (kube-system/aws-load-balancer-controller) through IRSA."
  max_session_duration = var.load_balancer_controller_max_session_duration
  permissions_boundary = var.load_balancer_controller_permissions_boundary
  assume_role_policy   = data.aws_iam_policy_document.load_balancer_controller_trust.json
  tags                 = var.tags
}

resource "aws_iam_role_policy_attachment" "load_balancer_controller" {
  for_each = var.create ? {
    aws_load_balancer_controller = aws_iam_policy.aws_load_balancer_controller[0].arn
  } : {}
  role       = aws_iam_role.load_balancer_controller[0].name
  policy_arn = each.value
}

resource "aws_iam_role_policy_attachment" "load_balancer_controller_additional" {
  count      = var.create ? length(var.load_balancer_controller_additional_policy_arns) : 0
  role       = aws_iam_role.load_balancer_controller[0].name
  policy_arn = var.load_balancer_controller_additional_policy_arns[count.index]
}
